#include <pointsman/upstream/health_checker.hpp>

#include <pointsman/http/url.hpp>
#include <pointsman/upstream/upstream_call.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

namespace pointsman::upstream {
namespace asio = boost::asio;

namespace {

/// The longest the loop sleeps, so a reload that adds a check is picked up soon.
constexpr std::chrono::milliseconds kMaxSleep{1'000};

http::OutgoingRequest checkRequest(const config::ProviderConfig& provider, const http::Url& url) {
  const auto& check = provider.health_check;
  http::OutgoingRequest message{check.body.empty() ? "GET" : "POST", url.base_path + check.path};
  message.addHost(url);
  message.add("User-Agent", "pointsman-health-check/" POINTSMAN_VERSION);
  message.add("Accept-Encoding", "identity");
  // TODO: providers that authenticate with other headers (Anthropic's x-api-key) need their
  // adapter's credentials here; a bearer token is what OpenAI-compatible providers take.
  const config::Secret& key = provider.api_keys.empty() ? provider.api_key : provider.api_keys.front().key;
  if (!key.empty()) message.set("Authorization", "Bearer " + std::string(key.reveal()));
  for (const auto& [name, value] : provider.headers) message.set(name, value.reveal());
  if (!check.body.empty()) {
    message.set("Content-Type", "application/json");
    message.body() = check.body;
  }
  return message;
}

}  // namespace

HealthChecker::HealthChecker(ConfigSource config, BreakerSource breakers, telemetry::GatewayMetrics& metrics)
    : config_(std::move(config)), breakers_(std::move(breakers)), metrics_(metrics) {}

void HealthChecker::start(const asio::any_io_executor& executor) {
  asio::co_spawn(executor, loop(), asio::detached);
}

asio::awaitable<void> HealthChecker::loop() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    const auto config = config_();
    const auto now = std::chrono::steady_clock::now();
    auto wake_at = now + kMaxSleep;

    for (const auto& [name, provider] : config->providers) {
      if (provider.health_check.interval.count() == 0 || !provider.enabled) continue;
      auto& due = next_check_[name];
      if (due <= now) {
        // One check at a time keeps this loop simple, and each is bounded by its timeout.
        const bool healthy = co_await checkOnce(provider);
        report(*config, provider, healthy);
        due = std::chrono::steady_clock::now() + provider.health_check.interval;
      }
      wake_at = std::min(wake_at, due);
    }

    timer.expires_at(wake_at);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<bool> HealthChecker::checkOnce(const config::ProviderConfig& provider) {
  auto endpoint = makeProviderEndpoint(provider);
  if (!endpoint) co_return false;
  CancelState cancel;
  UpstreamCall call(pool_, provider, endpoint, cancel);
  auto message = checkRequest(provider, endpoint->url);
  const auto deadline = std::chrono::steady_clock::now() + provider.health_check.timeout;

  if (auto error = co_await call.send(message, deadline, UpstreamErrorKind::ResponseHeadersTimeout)) {
    spdlog::warn("health check of provider={} failed: {}", provider.name, error->detail);
    co_return false;
  }
  const auto status = call.status();
  std::string body;
  if (auto error = co_await call.readWholeBody(body, 1024 * 1024, provider.health_check.timeout, deadline)) {
    spdlog::warn("health check of provider={} failed reading the answer: {}", provider.name, error->detail);
    co_return false;
  }
  call.release();
  if (status < 200 || status >= 300) {
    spdlog::warn("health check of provider={} answered HTTP {}", provider.name, status);
    co_return false;
  }
  co_return true;
}

void HealthChecker::report(const config::Config& config, const config::ProviderConfig& provider, bool healthy) {
  metrics_.health_checks.labels({provider.name, healthy ? "ok" : "failed"}).increment();
  const auto breakers = breakers_();
  if (!breakers) return;
  const auto now = Clock::now();
  for (const auto& [name, deployment] : config.models) {
    if (deployment.provider != provider.name) continue;
    auto* breaker = breakers->find(name);
    if (!breaker) continue;
    const auto before = breaker->state(now);
    if (!healthy) {
      breaker->onFailure(Admission::Allowed, now);
    } else if (before == BreakerState::Closed) {
      // An open breaker keeps its cool-down: requests, not checks, decide when it closes.
      breaker->onSuccess(Admission::Allowed, now);
    }
    const auto after = breaker->state(now);
    if (after == before) continue;
    metrics_.breaker_state.labels({name}).set(breakerStateGauge(after));
    if (after == BreakerState::Open) {
      spdlog::error("health checks of provider={} failed; breaker of deployment={} opened", provider.name, name);
    }
  }
}

}  // namespace pointsman::upstream
