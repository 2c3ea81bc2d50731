#include "pointsman/telemetry/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace pointsman::telemetry {

namespace {

constexpr std::string_view kMask = "***";

constexpr std::array<std::string_view, 6> kCredentialHeaders = {
    "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"};
constexpr std::array<std::string_view, 3> kCredentialNameParts = {"key", "token", "secret"};

std::string toLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// Appends the scheme and authority with any userinfo masked, and returns the rest of the URL.
std::string_view appendSchemeAndAuthority(std::string& out, std::string_view url) {
  const std::size_t schemeEnd = url.find("://");
  if (schemeEnd == std::string_view::npos) return url;

  const std::size_t authorityStart = schemeEnd + 3;
  const std::size_t authorityEnd = std::min(url.find_first_of("/?#", authorityStart), url.size());
  const std::string_view authority = url.substr(authorityStart, authorityEnd - authorityStart);

  out.append(url.substr(0, authorityStart));
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    out.append(authority);
  } else {
    out.append(kMask);
    out.append(authority.substr(at));
  }
  return url.substr(authorityEnd);
}

void appendMaskedQuery(std::string& out, std::string_view query) {
  std::size_t start = 0;
  while (start <= query.size()) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string_view parameter = query.substr(start, end - start);

    const std::size_t equals = parameter.find('=');
    if (equals != std::string_view::npos) {
      out.append(parameter.substr(0, equals + 1));
      out.append(kMask);
    } else if (!parameter.empty()) {
      // A bare parameter may itself be a token, so its name is masked too.
      out.append(kMask);
    }

    if (end == query.size()) return;
    out.push_back('&');
    start = end + 1;
  }
}

}  // namespace

std::string redactUrl(std::string_view url) {
  std::string out;
  out.reserve(url.size());
  std::string_view rest = appendSchemeAndAuthority(out, url);

  std::optional<std::string_view> fragment;
  if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
    fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }

  const std::size_t question = rest.find('?');
  out.append(rest.substr(0, question));
  if (question != std::string_view::npos) {
    out.push_back('?');
    appendMaskedQuery(out, rest.substr(question + 1));
  }

  if (fragment) {
    out.push_back('#');
    if (!fragment->empty()) out.append(kMask);
  }
  return out;
}

std::string redactHeaderValue(std::string_view name, std::string_view value) {
  const std::string lower = toLower(name);
  const bool listed = std::find(kCredentialHeaders.begin(), kCredentialHeaders.end(), lower) !=
                      kCredentialHeaders.end();
  const bool namedLikeCredential =
      std::any_of(kCredentialNameParts.begin(), kCredentialNameParts.end(),
                  [&](std::string_view part) { return lower.find(part) != std::string::npos; });
  if (listed || namedLikeCredential) return std::string(kMask);
  return std::string(value);
}

}  // namespace pointsman::telemetry
