#include "app/execution_shape.hpp"

namespace pointsman::app {

void applyExecutionShape(const config::Config& config, const config::RouteConfig& route,
                         const upstream::BreakerSet& breakers, upstream::ExecutionRequest& execution) {
  if (route.hedge.enabled) {
    execution.hedge = &route.hedge;
    execution.hedge_budget = breakers.hedgeBudget(route.name);
  }
  if (!route.fan_out.enabled) return;

  execution.fan_out = &route.fan_out;
  if (route.fan_out.judge.empty()) return;
  const auto deployment = config.models.find(route.fan_out.judge);
  if (deployment == config.models.end()) return;
  const auto provider = config.providers.find(deployment->second.provider);
  // A judge at a disabled provider leaves the fan-out answering with its first answer.
  if (provider == config.providers.end() || !provider->second.enabled) return;
  execution.fan_out_judge = route::Candidate{&deployment->second, &provider->second};
}

}  // namespace pointsman::app
