#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::http {

/// An absolute http or https URL split into what a client connection needs.
struct Url {
  bool tls = false;
  std::string host;      // without brackets for IPv6
  std::uint16_t port = 0;
  std::string base_path;  // e.g. "/v1", never ending in '/'; empty for the root
  std::string query;      // without '?', kept for providers that take a key in the query

  /// "host:port" as sent in the Host header (brackets around IPv6 literals).
  [[nodiscard]] std::string hostHeader() const;
  /// Appends hostHeader() to `out`, without building it apart.
  void appendHostHeader(std::string& out) const;
};

/// Parses "http[s]://host[:port][/path][?query]". Returns nothing for anything else.
std::optional<Url> parseUrl(std::string_view text);

/// Splits "HOST:PORT" (with "[v6]:PORT") into host and port.
std::optional<std::pair<std::string, std::uint16_t>> parseHostPort(std::string_view text);

}  // namespace pointsman::http
