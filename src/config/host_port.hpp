#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::config {

/// A listener address split from "HOST:PORT". `host` has no brackets, so "[::1]:80" gives "::1".
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

/// Splits and checks "HOST:PORT", where HOST is an IPv4 address, a bracketed IPv6 address or a
/// DNS host name, and PORT is 0-65535. Returns nullopt for anything else.
std::optional<HostPort> parseHostPort(std::string_view text);

/// True for 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104 and "localhost" (any case).
bool isLoopbackHost(std::string_view host);

}  // namespace pointsman::config
