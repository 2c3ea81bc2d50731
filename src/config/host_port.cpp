#include "config/host_port.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace pointsman::config {

namespace {

constexpr std::size_t kMaxHostNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

bool isIpv4(const std::string& host) {
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1;
}

bool isIpv6(const std::string& host) {
  in6_addr address{};
  return inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

bool isLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength || label.front() == '-' ||
      label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-';
  });
}

// RFC 1123 host names. A name made only of digits and dots is a mistyped IPv4 address.
bool isHostName(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostNameLength) {
    return false;
  }
  const bool looksNumeric = std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isdigit(c) != 0 || c == '.';
  });
  if (looksNumeric) {
    return false;
  }

  std::size_t start = 0;
  while (start <= host.size()) {
    const std::size_t dot = std::min(host.find('.', start), host.size());
    if (!isLabel(host.substr(start, dot - start))) {
      return false;
    }
    start = dot + 1;
  }
  return true;
}

std::optional<std::uint16_t> parsePort(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, status] = std::from_chars(text.data(), end, value);
  if (text.empty() || status != std::errc() || stop != end || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<HostPort> parseHostPort(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const std::optional<std::uint16_t> port = parsePort(text.substr(colon + 1));
  if (!port) {
    return std::nullopt;
  }

  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) {
    std::string inner(host.substr(1, host.size() - 2));
    return isIpv6(inner) ? std::optional(HostPort{std::move(inner), *port}) : std::nullopt;
  }

  std::string plain(host);
  if (isIpv4(plain) || isHostName(plain)) {
    return HostPort{std::move(plain), *port};
  }
  return std::nullopt;
}

bool isLoopbackHost(std::string_view host) {
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "localhost") {
    return true;
  }

  in_addr v4{};
  if (inet_pton(AF_INET, lower.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }

  in6_addr v6{};
  if (inet_pton(AF_INET6, lower.c_str(), &v6) != 1) {
    return false;
  }
  if (IN6_IS_ADDR_LOOPBACK(&v6)) {
    return true;
  }
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

}  // namespace pointsman::config
