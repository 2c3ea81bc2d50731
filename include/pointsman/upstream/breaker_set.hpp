#pragma once

#include <pointsman/config/config.hpp>
#include <pointsman/upstream/circuit_breaker.hpp>
#include <pointsman/upstream/concurrency_gate.hpp>
#include <pointsman/upstream/deployment_load.hpp>
#include <pointsman/upstream/hedge_budget.hpp>
#include <pointsman/upstream/rate_gate.hpp>
#include <pointsman/upstream/retry_policy.hpp>

#include <map>
#include <memory>
#include <string>

namespace pointsman::upstream {

/// A deployment's admission limits from its `limits:` block; a null member means no such limit.
struct DeploymentGuards {
  config::DeploymentLimits limits;
  std::unique_ptr<ConcurrencyGate> concurrency;
  std::unique_ptr<RateGate> requests_per_minute;
  std::unique_ptr<RateGate> tokens_per_minute;
};

/// The circuit breakers and load counters of every deployment of one config snapshot. Built at start and on each
/// reload, then only read, so finding a breaker takes no lock; the breakers themselves are
/// lock-free. A reload keeps the breaker (and its state) of every deployment that still exists.
class BreakerSet {
 public:
  static std::shared_ptr<const BreakerSet> build(const config::Config& config, const BreakerSet* previous);

  /// The deployment's breaker, or null for a name the snapshot did not have.
  [[nodiscard]] CircuitBreaker* find(const std::string& deployment) const;

  /// The deployment's load (requests in flight, average time to first byte) for balancing.
  [[nodiscard]] DeploymentLoad* load(const std::string& deployment) const;
  /// The deployment's admission limits, or null when it has none.
  [[nodiscard]] DeploymentGuards* guards(const std::string& deployment) const;
  /// The hedge budget of a route with `hedge:`, or null.
  [[nodiscard]] HedgeBudget* hedgeBudget(const std::string& route) const;

 private:
  void keepOrBuildGuards(const std::string& name, const config::DeploymentLimits& limits, const BreakerSet* previous);
  void keepOrBuildHedgeBudget(const std::string& route, const config::HedgeConfig& hedge, const BreakerSet* previous);

  std::map<std::string, std::shared_ptr<CircuitBreaker>> breakers_;
  std::map<std::string, std::shared_ptr<DeploymentLoad>> loads_;
  std::map<std::string, std::shared_ptr<DeploymentGuards>> guards_;
  std::map<std::string, std::shared_ptr<HedgeBudget>> hedge_budgets_;
};

/// The breaker policy and retry policy that the config's plain structs describe.
BreakerPolicy breakerPolicyFrom(const config::BreakerConfig& config);
RetryPolicy retryPolicyFrom(const config::RetryConfig& config);

}  // namespace pointsman::upstream
