#pragma once

// The YAML configuration as plain structs. The loader (loader.hpp) fills them, rejects unknown
// keys and validates cross references; nothing here talks to the network. Durations are
// milliseconds, sizes bytes and prices USD per million tokens unless a field says otherwise.

#include <pointsman/config/secret.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pointsman::config {

using Milliseconds = std::chrono::milliseconds;

/// Certificate chain and private key of a TLS listener, both PEM files.
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
};

/// `server:` — the public listener, the admin listener and their limits.
struct ServerConfig {
  /// Public API listener, "HOST:PORT". Port 0 picks a free port (tests).
  std::string listen = "127.0.0.1:8080";
  /// Admin listener (metrics, health, config), "HOST:PORT".
  std::string admin_listen = "127.0.0.1:9090";
  /// `tls:` — serve HTTPS on the public listener when set.
  std::optional<TlsFiles> tls;
  /// `admin_tls:` — serve HTTPS on the admin listener when set.
  std::optional<TlsFiles> admin_tls;
  /// Worker threads, each with its own event loop; 0 means one per core.
  int workers = 0;
  /// `max_body_bytes`: larger request bodies get 413. Default 32 MiB.
  std::size_t max_body_bytes = 32u * 1024 * 1024;
  /// `max_header_bytes`: larger request headers get 431. Default 64 KiB.
  std::size_t max_header_bytes = 64u * 1024;
  /// `max_connections`: a connection beyond this many is closed at accept. Default 10000.
  std::size_t max_connections = 10000;
  /// `header_timeout_ms`: time allowed to read a request's headers. Default 10 s.
  Milliseconds header_timeout{10'000};
  /// `body_timeout_ms`: time allowed to read a request body. Default 60 s.
  Milliseconds body_timeout{60'000};
  /// `idle_timeout_ms`: a kept-alive connection with no request for this long is closed. Default 60 s.
  Milliseconds idle_timeout{60'000};
  /// `drain_timeout_ms`: on SIGTERM, how long requests in flight may take before exit. Default 30 s.
  Milliseconds drain_timeout{30'000};
  /// `stream_keepalive_ms`: SSE comment interval while a stream waits for its first content. Default 10 s.
  Milliseconds stream_keepalive{10'000};
};

/// `admin:` — who may read `/metrics` and `/admin/*`.
struct AdminConfig {
  /// `token`: bearer token for the admin listener. Empty is allowed only on a loopback address.
  Secret token;
};

/// `auth:` — how clients are authenticated. Only `none` exists until client keys do.
enum class AuthMode { None };

/// Per-phase upstream timeouts (`timeouts:` on a provider). Zero disables a phase.
struct UpstreamTimeouts {
  /// `connect_ms`: TCP connect plus TLS handshake. Default 5 s.
  Milliseconds connect{5'000};
  /// `response_headers_ms`: request sent until the response status line and headers. Default 120 s.
  Milliseconds response_headers{120'000};
  /// `first_token_ms`: streams only, request sent until the first content-bearing event. Default 60 s.
  Milliseconds first_token{60'000};
  /// `idle_ms`: longest gap between two reads of a response body or stream. Default 60 s.
  Milliseconds idle{60'000};
  /// `total_ms`: whole attempt including the body; 0 (the default) means no total limit.
  Milliseconds total{0};
};

enum class ProviderType { OpenAi, Anthropic, AzureOpenAi };

/// `providers.<name>` — an API endpoint and its credentials.
struct ProviderConfig {
  std::string name;
  ProviderType type = ProviderType::OpenAi;
  /// `base_url`: for `openai`, the URL that `/chat/completions` is appended to, e.g.
  /// "https://api.openai.com/v1".
  std::string base_url;
  /// `api_key`: usually "${OPENAI_API_KEY:-}". Sent as `Authorization: Bearer`.
  Secret api_key;
  /// True when the YAML named `api_key` or `api_key_file`. A configured key that resolves to an
  /// empty string disables the provider (one log line at load) instead of failing the config.
  bool api_key_configured = false;
  /// False when a configured key resolved to empty; its deployments then drop out of routes.
  bool enabled = true;
  /// `api_key_file`: read the key from this file (trailing whitespace trimmed) instead.
  std::string api_key_file;
  /// `headers`: extra headers sent with every request to this provider. Values may hold secrets.
  std::map<std::string, Secret> headers;
  /// `forward_headers`: client request headers copied to this provider (lower-case names).
  std::vector<std::string> forward_headers;
  /// `tags`: free-form labels, e.g. `on_premises`.
  std::set<std::string> tags;
  /// `ca_file`: PEM bundle to verify the provider's certificate; empty means the system store.
  std::string ca_file;
  /// `timeouts`: per-phase limits for every attempt at this provider.
  UpstreamTimeouts timeouts;
  /// `max_idle_connections`: kept-alive connections to keep per worker. Default 64.
  std::size_t max_idle_connections = 64;
  /// `max_response_bytes`: a non-streamed upstream body larger than this fails the attempt. Default 64 MiB.
  std::size_t max_response_bytes = 64u * 1024 * 1024;
};

/// `price:` — USD per million tokens.
struct Price {
  double input = 0;
  /// `cached_input`: defaults to `input` when absent.
  std::optional<double> cached_input;
  double output = 0;
  /// `cache_write`: defaults to `input` when absent.
  std::optional<double> cache_write;
};

/// `models.<name>` — a deployment: a model at a provider, with its price and limits.
struct DeploymentConfig {
  std::string name;
  /// `provider`: key of `providers:`.
  std::string provider;
  /// `model`: the id the provider knows the model by; defaults to the deployment name.
  std::string model;
  Price price;
  /// `context`: context window in tokens; 0 means unknown.
  std::size_t context = 0;
  /// `capabilities`: any of `tools`, `vision`, `json`, `embeddings`.
  std::set<std::string> capabilities;
  std::set<std::string> tags;
};

/// `routes.<name>` — a name clients put in `model`, bound to a policy. Until the rule engine
/// exists, a route is the `use:` shorthand: one unconditional rule, deployments tried in order.
struct RouteConfig {
  std::string name;
  /// `use`: deployment names in failover order.
  std::vector<std::string> use;
};

/// `telemetry:` — logs and the request log.
struct TelemetryConfig {
  /// `log_level`: trace, debug, info, warn, error. Default info.
  std::string log_level = "info";
  /// `access_log`: one key=value line per request at info. Default true.
  bool access_log = true;
  /// `request_log`: JSON lines, one per request. Empty is off, "-" is stdout, else a file path.
  std::string request_log;
};

/// The whole file. An immutable snapshot of it is shared by every request that started under it.
struct Config {
  ServerConfig server;
  AdminConfig admin;
  AuthMode auth = AuthMode::None;
  std::map<std::string, ProviderConfig> providers;
  /// `models:` — deployments by name.
  std::map<std::string, DeploymentConfig> models;
  std::map<std::string, RouteConfig> routes;
  TelemetryConfig telemetry;
  /// Path the config was read from; empty when built in code.
  std::string source_path;
};

}  // namespace pointsman::config
