#pragma once

#include <pointsman/config/config.hpp>
#include <pointsman/upstream/circuit_breaker.hpp>
#include <pointsman/upstream/deployment_load.hpp>
#include <pointsman/upstream/retry_policy.hpp>

#include <map>
#include <memory>
#include <string>

namespace pointsman::upstream {

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

 private:
  std::map<std::string, std::shared_ptr<CircuitBreaker>> breakers_;
  std::map<std::string, std::shared_ptr<DeploymentLoad>> loads_;
};

/// The breaker policy and retry policy that the config's plain structs describe.
BreakerPolicy breakerPolicyFrom(const config::BreakerConfig& config);
RetryPolicy retryPolicyFrom(const config::RetryConfig& config);

}  // namespace pointsman::upstream
