#include <pointsman/http/url.hpp>

#include <charconv>

namespace pointsman::http {

std::string Url::hostHeader() const {
  std::string header;
  appendHostHeader(header);
  return header;
}

void Url::appendHostHeader(std::string& out) const {
  const bool is_ipv6 = host.find(':') != std::string::npos;
  if (is_ipv6) out += '[';
  out += host;
  if (is_ipv6) out += ']';

  const bool is_default_port = (tls && port == 443) || (!tls && port == 80);
  if (is_default_port) return;
  char digits[8];
  const auto end = std::to_chars(digits, digits + sizeof digits, port).ptr;
  out += ':';
  out.append(digits, end);
}

std::optional<std::pair<std::string, std::uint16_t>> parseHostPort(std::string_view text) {
  std::string host;
  std::string_view port_text;

  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }

  unsigned port = 0;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (host.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return std::nullopt;
  }
  return std::make_pair(std::move(host), static_cast<std::uint16_t>(port));
}

std::optional<Url> parseUrl(std::string_view text) {
  Url url;
  if (text.starts_with("https://")) {
    url.tls = true;
    text.remove_prefix(8);
  } else if (text.starts_with("http://")) {
    text.remove_prefix(7);
  } else {
    return std::nullopt;
  }

  const auto query_start = text.find('?');
  if (query_start != std::string_view::npos) {
    url.query = std::string(text.substr(query_start + 1));
    text = text.substr(0, query_start);
  }

  const auto path_start = text.find('/');
  std::string_view authority = text.substr(0, path_start);
  if (path_start != std::string_view::npos) url.base_path = std::string(text.substr(path_start));
  while (!url.base_path.empty() && url.base_path.back() == '/') url.base_path.pop_back();

  if (authority.find('@') != std::string_view::npos || authority.empty()) return std::nullopt;
  // An IPv6 literal must be bracketed, so an unbracketed authority has at most one colon.
  const bool bracketed = authority.front() == '[';
  if (!bracketed && authority.find(':') != authority.rfind(':')) return std::nullopt;
  const bool has_port = authority.back() != ']' && authority.find(':') != std::string_view::npos;
  if (has_port) {
    auto host_port = parseHostPort(authority);
    if (!host_port) return std::nullopt;
    url.host = host_port->first;
    url.port = host_port->second;
  } else {
    url.host = std::string(authority.front() == '[' ? authority.substr(1, authority.size() - 2) : authority);
    url.port = url.tls ? 443 : 80;
  }
  return url.host.empty() ? std::nullopt : std::optional<Url>(std::move(url));
}

}  // namespace pointsman::http
