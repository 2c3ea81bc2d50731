#pragma once

// The YAML configuration as plain structs. The loader (loader.hpp) fills them, rejects unknown
// keys and validates cross references; nothing here talks to the network. Durations are
// milliseconds, sizes bytes and prices USD per million tokens unless a field says otherwise.

#include <pointsman/config/accounting_config.hpp>
#include <pointsman/config/analyzers_config.hpp>
#include <pointsman/config/route_policy.hpp>
#include <pointsman/config/secret.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pointsman::analyze {
class RouteAnalyzers;
}  // namespace pointsman::analyze

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

/// `auth:` — how clients are authenticated. `keys` requires a key from `keys:` (or one made
/// through the admin API); `none` lets every caller in as anonymous, for local development. When
/// `auth:` is absent, it is `keys` if `keys:` lists any key and `none` otherwise.
enum class AuthMode { None, Keys };

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

/// One entry of a provider's `api_keys:` pool.
struct WeightedKey {
  Secret key;
  /// `weight`: share of requests relative to the other keys (> 0). Default 1.
  double weight = 1.0;
};

/// `providers.<name>` — an API endpoint and its credentials.
/// `health_check:` on a provider: a request sent on a timer whose result feeds the circuit
/// breakers of the provider's deployments, so a dead provider is ejected before traffic finds it.
struct HealthCheckConfig {
  /// `interval_ms`: time between checks; 0 (the default) turns active checks off.
  Milliseconds interval{0};
  /// `timeout_ms`: the whole check, connect to last byte.
  Milliseconds timeout{5'000};
  /// `path`: appended to the provider's base URL; answered 2xx means healthy.
  std::string path = "/models";
  /// `body`: a JSON body to POST instead of a GET, e.g. a one-token chat request.
  std::string body;
};

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
  /// `api_keys`: a pool of keys used in proportion to their weights, instead of `api_key`. A 429
  /// cools down the key that got it, not the provider. Keys that resolve to empty are left out.
  std::vector<WeightedKey> api_keys;
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
  /// `client_cert_file` and `client_key_file`: the PEM certificate chain and key the gateway
  /// presents to a provider that requires client certificates (mTLS); both or neither.
  std::string client_cert_file;
  std::string client_key_file;
  /// `proxy`: an `http://host:port` proxy that every connection to this provider tunnels through
  /// with CONNECT. Empty means the environment's HTTPS_PROXY / HTTP_PROXY, unless NO_PROXY names
  /// the host; `none` means a direct connection whatever the environment says.
  std::string proxy;
  /// `timeouts`: per-phase limits for every attempt at this provider.
  UpstreamTimeouts timeouts;
  /// `max_idle_connections`: kept-alive connections to keep per worker. Default 64.
  std::size_t max_idle_connections = 64;
  /// `max_response_bytes`: a non-streamed upstream body larger than this fails the attempt. Default 64 MiB.
  std::size_t max_response_bytes = 64u * 1024 * 1024;
  HealthCheckConfig health_check;
  /// `api_version`: for `anthropic`, the `anthropic-version` header (default "2023-06-01"); for
  /// `azure_openai`, the `api-version` query parameter (default "2024-10-21"). Unused for `openai`.
  std::string api_version;
  /// `auth`: for `azure_openai`, `api_key` (the default) sends the key as the `api-key` header and
  /// `bearer` sends it as `Authorization: Bearer` (a Microsoft Entra ID token).
  bool bearer_auth = false;
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
/// `limits:` on a deployment: what the gateway lets through before the provider would refuse.
/// 0 means no limit. `rpm` and `tpm` are shared by replicas when the accounting store is Redis;
/// the others are per process.
struct DeploymentLimits {
  /// `max_concurrent`: requests in flight at this deployment.
  std::size_t max_concurrent = 0;
  /// `max_queue`: requests that may wait for a free slot; past it the deployment is skipped.
  std::size_t max_queue = 0;
  /// `queue_timeout_ms`: the longest wait for a slot before the deployment is skipped.
  Milliseconds queue_timeout{1'000};
  /// `rpm`: requests per minute sent to this deployment.
  std::size_t rpm = 0;
  /// `tpm`: estimated prompt tokens per minute sent to this deployment.
  std::size_t tpm = 0;

  bool operator==(const DeploymentLimits&) const = default;
};

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
  DeploymentLimits limits;
  /// `max_tokens`: sent to an Anthropic deployment when the client set no `max_tokens` or
  /// `max_completion_tokens`, because the Messages API requires one. Default 4096.
  std::size_t max_tokens = 4096;
  /// `headers`: extra headers sent with every request to this deployment, after the provider's,
  /// e.g. `anthropic-beta` flags.
  std::map<std::string, std::string> headers;
};

/// `retry:` — how one request retries and fails over.
struct RetryConfig {
  /// `max_attempts_per_deployment`: attempts at one deployment before failing over, >= 1. Default 1.
  int max_attempts_per_deployment = 1;
  /// `max_total_attempts`: cap on attempts across all deployments, >= 0. The default 0 means no
  /// cap beyond one pass over the candidates.
  int max_total_attempts = 0;
  /// `base_backoff_ms`: first wait before a retry at the same deployment, > 0. Default 200 ms.
  Milliseconds base_backoff{200};
  /// `max_backoff_ms`: longest wait between two attempts, >= `base_backoff_ms`. Default 10 s.
  Milliseconds max_backoff{10'000};
  /// `retry_same_on_429`: retry a 429 at the same deployment before failing over. Default true.
  bool retry_same_on_429 = true;
  /// `failover_on_content_filter`: try the next deployment when a provider's content filter
  /// rejects the request. Default false.
  bool failover_on_content_filter = false;
  /// `max_retry_after_ms`: an upstream Retry-After longer than this fails over instead of
  /// waiting, >= 0. Default 30 s.
  Milliseconds max_retry_after{30'000};
};

/// `breaker:` — the circuit breaker of every deployment.
struct BreakerConfig {
  /// `consecutive_failures`: failures in a row that open the breaker, >= 1. Default 5.
  int consecutive_failures = 5;
  /// `failure_rate`: share of failed requests in the 10 s window that opens the breaker, in
  /// (0, 1]. Default 0.5.
  double failure_rate = 0.5;
  /// `min_requests`: requests in the 10 s window before `failure_rate` counts, >= 1. Default 20.
  int min_requests = 20;
  /// `cool_down_ms`: time an open breaker waits before it lets probes through, > 0. Default 30 s.
  Milliseconds cool_down{30'000};
  /// `max_probes`: half-open probe requests at once, >= 1. Default 1.
  int max_probes = 1;
};

/// `resilience:` — defaults for every route and deployment.
struct ResilienceConfig {
  /// `retry:` — the retry policy of a route that has no `retry:` of its own.
  RetryConfig retry;
  BreakerConfig breaker;
  /// `max_in_flight`: requests handled at once before new ones get 503 with Retry-After. 0 (the
  /// default) means no limit.
  std::size_t max_in_flight = 0;
  /// `request_timeout_ms`: overall deadline of a request whose route sets no `timeout_ms`. 0 (the
  /// default) means none.
  Milliseconds request_timeout{0};
};

/// `routes.<name>` — a name clients put in `model`, bound to a policy. Until the rule engine
/// exists, a route is the `use:` shorthand: one unconditional rule, deployments tried in order.
/// `hedge:` on a route: when the first attempt has not answered after a delay, a second attempt
/// starts at the next deployment; the first answer wins and the other is cancelled.
struct HedgeConfig {
  bool enabled = false;
  /// `after_ms`: a fixed delay. With `after: p95` the delay is the first deployment's recent
  /// 95th percentile time to first byte, never below `min_after_ms`.
  Milliseconds after{0};
  bool after_p95 = false;
  /// `min_after_ms`: the floor of the p95 delay (default 50).
  Milliseconds min_after{50};
  /// `max_extra_percent`: hedges allowed per 100 requests of the route (default 5).
  double max_extra_percent = 5.0;

  bool operator==(const HedgeConfig&) const = default;
};

/// `fan_out:` on a route: every deployment of `use` gets the request at once.
enum class FanOutMode {
  /// `first_success`: the first successful answer wins; the others are cancelled.
  FirstSuccess,
  /// `all`: one response with one choice per deployment that answered.
  All,
  /// `judge`: a judge deployment reads every answer and picks the best.
  Judge,
};

struct FanOutConfig {
  bool enabled = false;
  FanOutMode mode = FanOutMode::FirstSuccess;
  /// `judge`: the deployment that picks the best answer (mode judge).
  std::string judge;
  /// `judge_prompt`: the judge's instructions; the question and the numbered answers follow it.
  std::string judge_prompt;
};

struct RouteConfig {
  std::string name;
  /// `use`: deployment names in failover order.
  std::vector<std::string> use;
  /// `retry`: this route's retry policy. Keys it omits take their values from `resilience.retry`.
  /// Nullopt when the route has no `retry:` block, and then `resilience.retry` applies unchanged.
  std::optional<RetryConfig> retry;
  /// `timeout_ms`: overall deadline of a request on this route. 0 (the default) means
  /// `resilience.request_timeout_ms` applies.
  Milliseconds timeout{0};
  /// `balance`: empty (the default) tries `use` in order. With `weighted`, `least_outstanding`
  /// (power of two choices on requests in flight) or `lowest_latency` (average time to the first
  /// byte), the `use` deployments form one pool of equivalent deployments. The strategy picks
  /// each request's first attempt, and the others follow in `use` order as failover.
  std::string balance;
  /// `weights`: relative weights for `balance: weighted`, by deployment name (> 0); unlisted
  /// deployments weigh 1.
  std::map<std::string, double> weights;
  HedgeConfig hedge;
  FanOutConfig fan_out;
  /// `rules`: tried in order; the first whose `when:` holds and whose policy finds deployments
  /// decides. Empty for a `use:` route.
  std::vector<RuleConfig> rules;
  /// `otherwise`: the action when no rule decides. A route given as one policy key (e.g.
  /// `learned:`) has only this. Nothing for a `use:` route.
  std::optional<RouteAction> otherwise;
  /// `on_premises_only`: every rule and `otherwise` of the route keep to on-premises providers.
  bool on_premises_only = false;
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
  ResilienceConfig resilience;
  TelemetryConfig telemetry;
  AccountingConfig accounting;
  /// `tiers:`, `teams:` and `keys:` — client keys and the limits they inherit.
  std::map<std::string, TierConfig> tiers;
  std::map<std::string, TeamConfig> teams;
  std::vector<KeyConfig> keys;
  AnalyzersConfig analyzers;
  /// The models that `analyzers:` names, loaded once for this snapshot by
  /// analyze::loadRouteAnalyzers. Null when the config was built in code or not yet loaded, and
  /// then requests are analyzed without models.
  std::shared_ptr<const analyze::RouteAnalyzers> loaded_analyzers;
  /// Path the config was read from; empty when built in code.
  std::string source_path;
};

}  // namespace pointsman::config
