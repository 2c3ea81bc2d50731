// The `server:`, `admin:`, `auth:` and `telemetry:` sections.

#include "config/file_reading.hpp"
#include "config/host_port.hpp"
#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <algorithm>
#include <array>

namespace pointsman::config {

namespace {

constexpr std::array<std::string_view, 13> kServerKeys = {
    "listen",           "admin_listen",    "tls",
    "admin_tls",        "workers",         "max_body_bytes",
    "max_header_bytes", "max_connections", "header_timeout_ms",
    "body_timeout_ms",  "idle_timeout_ms", "drain_timeout_ms",
    "stream_keepalive_ms"};
constexpr std::array<std::string_view, 2> kTlsKeys = {"cert_file", "key_file"};
constexpr std::array<std::string_view, 1> kAdminKeys = {"token"};
constexpr std::array<std::string_view, 3> kTelemetryKeys = {"log_level", "access_log",
                                                            "request_log"};
constexpr std::array<std::string_view, 7> kLogLevels = {"trace", "debug",    "info", "warn",
                                                        "error", "critical", "off"};

void readListenAddress(const MapReader& reader, std::string_view key, std::string& out) {
  if (!reader.has(key)) {
    return;
  }
  std::string address;
  if (!reader.read(key, address)) {
    return;
  }
  if (!parseHostPort(address)) {
    reader.context().error(reader.pathOf(key),
                           "invalid address \"" + address +
                               "\"; expected HOST:PORT with an IPv4 address, a bracketed IPv6 "
                               "address or a host name, and a port 0-65535, e.g. 127.0.0.1:8080");
    return;
  }
  out = std::move(address);
}

void readRequiredFile(const MapReader& reader, std::string_view key, std::string& out) {
  if (!reader.has(key)) {
    reader.context().error(reader.pathOf(key), "missing; TLS needs both cert_file and key_file");
    return;
  }
  if (!reader.read(key, out)) {
    return;
  }
  if (const std::string problem = checkReadableFile(out); !problem.empty()) {
    reader.context().error(reader.pathOf(key), problem);
  }
}

void readTls(const MapReader& server, std::string_view key, std::optional<TlsFiles>& out) {
  if (!server.has(key)) {
    return;
  }
  const MapReader reader(server.child(key), server.pathOf(key), kTlsKeys, server.context());
  TlsFiles files;
  readRequiredFile(reader, "cert_file", files.cert_file);
  readRequiredFile(reader, "key_file", files.key_file);
  out = std::move(files);
}

}  // namespace

void parseServer(const YAML::Node& node, LoadContext& context, ServerConfig& server) {
  const MapReader reader(node, "server", kServerKeys, context);

  readListenAddress(reader, "listen", server.listen);
  readListenAddress(reader, "admin_listen", server.admin_listen);
  readTls(reader, "tls", server.tls);
  readTls(reader, "admin_tls", server.admin_tls);

  reader.read("workers", server.workers, Bound::NonNegative);
  reader.read("max_body_bytes", server.max_body_bytes, Bound::Positive);
  reader.read("max_header_bytes", server.max_header_bytes, Bound::Positive);
  reader.read("max_connections", server.max_connections, Bound::Positive);

  // Zero would either drop every connection at once or switch the protection off, and no
  // reader of these fields defines which, so only the drain may be zero (exit without waiting).
  reader.read("header_timeout_ms", server.header_timeout, Bound::Positive);
  reader.read("body_timeout_ms", server.body_timeout, Bound::Positive);
  reader.read("idle_timeout_ms", server.idle_timeout, Bound::Positive);
  reader.read("drain_timeout_ms", server.drain_timeout, Bound::NonNegative);
  reader.read("stream_keepalive_ms", server.stream_keepalive, Bound::Positive);
}

void parseAdmin(const YAML::Node& node, LoadContext& context, AdminConfig& admin) {
  const MapReader reader(node, "admin", kAdminKeys, context);
  if (!reader.has("token")) {
    return;
  }
  if (std::optional<std::string> token = readString(reader.child("token"), "admin.token", context)) {
    admin.token = Secret(std::move(*token));
  }
}

void parseAuth(const YAML::Node& node, LoadContext& context, AuthMode& auth) {
  // An empty `auth:` means the same as leaving it out.
  if (isEmptyValue(node)) {
    return;
  }
  const std::optional<std::string> mode = readString(node, "auth", context);
  if (!mode) {
    return;
  }
  if (*mode == "keys") {
    auth = AuthMode::Keys;
    return;
  }
  if (*mode != "none") {
    context.error("auth", "unsupported value \"" + *mode + "\"; supported values: none, keys");
    return;
  }
  auth = AuthMode::None;
}

void parseTelemetry(const YAML::Node& node, LoadContext& context, TelemetryConfig& telemetry) {
  const MapReader reader(node, "telemetry", kTelemetryKeys, context);

  if (reader.has("log_level")) {
    std::string level;
    const bool read = reader.read("log_level", level);
    const bool known = std::find(kLogLevels.begin(), kLogLevels.end(), level) != kLogLevels.end();
    if (known) {
      telemetry.log_level = std::move(level);
    } else if (read) {
      context.error("telemetry.log_level",
                    "unknown level \"" + level +
                        "\"; supported values: " + joinNames({kLogLevels.begin(), kLogLevels.end()}));
    }
  }

  reader.read("access_log", telemetry.access_log);
  reader.read("request_log", telemetry.request_log);
}

}  // namespace pointsman::config
