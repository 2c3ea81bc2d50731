#pragma once

#include <pointsman/config/config.hpp>
#include <pointsman/http/connection_pool.hpp>
#include <pointsman/telemetry/gateway_metrics.hpp>
#include <pointsman/upstream/breaker_set.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace pointsman::upstream {

/// Active health checks: for each provider with `health_check:`, a request on a timer. A failed
/// check counts as a failure at the breaker of every deployment of the provider, so a provider
/// that died while idle is ejected before requests find out; a passing check counts as a success
/// while the breaker is closed. Reads the current config on every round, so a reload changes the
/// checks without a restart. Runs on one worker's event loop with its own connection pool.
class HealthChecker {
 public:
  using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;
  using BreakerSource = std::function<std::shared_ptr<const BreakerSet>()>;

  HealthChecker(ConfigSource config, BreakerSource breakers, telemetry::GatewayMetrics& metrics);

  /// Starts the check loop on `executor`, which runs until the event loop stops.
  void start(const boost::asio::any_io_executor& executor);

  /// Sends one check to `provider` and reports whether it answered 2xx in time.
  boost::asio::awaitable<bool> checkOnce(const config::ProviderConfig& provider);

 private:
  boost::asio::awaitable<void> loop();
  void report(const config::Config& config, const config::ProviderConfig& provider, bool healthy);

  ConfigSource config_;
  BreakerSource breakers_;
  telemetry::GatewayMetrics& metrics_;
  http::ConnectionPool pool_;
  /// When each provider is next due, by name.
  std::map<std::string, std::chrono::steady_clock::time_point> next_check_;
};

}  // namespace pointsman::upstream
