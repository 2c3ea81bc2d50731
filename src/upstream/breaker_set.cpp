#include <pointsman/upstream/breaker_set.hpp>

#include <pointsman/upstream/retry_policy.hpp>

namespace pointsman::upstream {

BreakerPolicy breakerPolicyFrom(const config::BreakerConfig& config) {
  BreakerPolicy policy;
  policy.consecutive_failures = config.consecutive_failures;
  policy.failure_rate = config.failure_rate;
  policy.min_requests = config.min_requests;
  policy.cool_down = config.cool_down;
  policy.max_probes = config.max_probes;
  return policy;
}

RetryPolicy retryPolicyFrom(const config::RetryConfig& config) {
  RetryPolicy policy;
  policy.max_attempts_per_deployment = config.max_attempts_per_deployment;
  policy.max_total_attempts = config.max_total_attempts;
  policy.base_backoff = config.base_backoff;
  policy.max_backoff = config.max_backoff;
  policy.retry_same_on_429 = config.retry_same_on_429;
  policy.failover_on_content_filter = config.failover_on_content_filter;
  policy.max_retry_after = config.max_retry_after;
  return policy;
}

std::shared_ptr<const BreakerSet> BreakerSet::build(const config::Config& config, const BreakerSet* previous) {
  auto set = std::make_shared<BreakerSet>();
  const auto policy = breakerPolicyFrom(config.resilience.breaker);
  for (const auto& [name, deployment] : config.models) {
    // TODO: a changed breaker policy applies only to deployments added by the reload.
    const auto kept = previous ? previous->breakers_.find(name) : decltype(previous->breakers_.end()){};
    if (previous && kept != previous->breakers_.end()) {
      set->breakers_.emplace(name, kept->second);
      set->loads_.emplace(name, previous->loads_.at(name));
    } else {
      set->breakers_.emplace(name, std::make_shared<CircuitBreaker>(policy));
      set->loads_.emplace(name, std::make_shared<DeploymentLoad>());
    }
  }
  return set;
}

DeploymentLoad* BreakerSet::load(const std::string& deployment) const {
  const auto found = loads_.find(deployment);
  return found == loads_.end() ? nullptr : found->second.get();
}

CircuitBreaker* BreakerSet::find(const std::string& deployment) const {
  const auto found = breakers_.find(deployment);
  return found == breakers_.end() ? nullptr : found->second.get();
}

}  // namespace pointsman::upstream
