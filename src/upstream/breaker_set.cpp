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
    set->keepOrBuildGuards(name, deployment.limits, previous);
  }
  for (const auto& [name, route] : config.routes) {
    if (route.hedge.enabled) set->keepOrBuildHedgeBudget(name, route.hedge, previous);
  }
  return set;
}

void BreakerSet::keepOrBuildGuards(const std::string& name, const config::DeploymentLimits& limits,
                                   const BreakerSet* previous) {
  if (limits == config::DeploymentLimits{}) return;
  // Unchanged limits keep their state, so a reload neither frees queued slots nor refills a
  // spent minute.
  if (previous) {
    const auto kept = previous->guards_.find(name);
    if (kept != previous->guards_.end() && kept->second->limits == limits) {
      guards_.emplace(name, kept->second);
      return;
    }
  }
  auto guards = std::make_shared<DeploymentGuards>();
  guards->limits = limits;
  if (limits.max_concurrent > 0) {
    guards->concurrency = std::make_unique<ConcurrencyGate>(limits.max_concurrent, limits.max_queue);
  }
  if (limits.rpm > 0) guards->requests_per_minute = std::make_unique<RateGate>(limits.rpm);
  if (limits.tpm > 0) guards->tokens_per_minute = std::make_unique<RateGate>(limits.tpm);
  guards_.emplace(name, std::move(guards));
}

void BreakerSet::keepOrBuildHedgeBudget(const std::string& route, const config::HedgeConfig& hedge,
                                        const BreakerSet* previous) {
  if (previous) {
    const auto kept = previous->hedge_budgets_.find(route);
    if (kept != previous->hedge_budgets_.end() && kept->second->policy().max_extra_percent == hedge.max_extra_percent) {
      hedge_budgets_.emplace(route, kept->second);
      return;
    }
  }
  HedgeBudgetPolicy policy;
  policy.max_extra_percent = hedge.max_extra_percent;
  hedge_budgets_.emplace(route, std::make_shared<HedgeBudget>(policy));
}

DeploymentGuards* BreakerSet::guards(const std::string& deployment) const {
  const auto found = guards_.find(deployment);
  return found == guards_.end() ? nullptr : found->second.get();
}

HedgeBudget* BreakerSet::hedgeBudget(const std::string& route) const {
  const auto found = hedge_budgets_.find(route);
  return found == hedge_budgets_.end() ? nullptr : found->second.get();
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
