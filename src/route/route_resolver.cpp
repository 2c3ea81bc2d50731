#include <pointsman/route/route_resolver.hpp>

namespace pointsman::route {
namespace {

void addCandidate(const config::Config& config, const std::string& deployment_name, Plan& plan) {
  const auto deployment = config.models.find(deployment_name);
  if (deployment == config.models.end()) {
    plan.skipped.push_back(deployment_name + ": not defined");
    return;
  }
  const auto provider = config.providers.find(deployment->second.provider);
  if (provider == config.providers.end() || !provider->second.enabled) {
    plan.skipped.push_back(deployment_name + ": provider " + deployment->second.provider + " disabled");
    return;
  }
  plan.candidates.push_back({&deployment->second, &provider->second});
}

}  // namespace

std::variant<Plan, api::ApiError> resolvePlan(const config::Config& config, std::string_view model) {
  Plan plan;
  plan.requested_model = std::string(model);

  if (const auto route = config.routes.find(plan.requested_model); route != config.routes.end()) {
    plan.route = route->first;
    plan.policy = "use";
    for (const auto& deployment_name : route->second.use) addCandidate(config, deployment_name, plan);
    plan.decision = "route=" + plan.route + " policy=use";
  } else if (config.models.contains(plan.requested_model)) {
    plan.policy = "direct";
    addCandidate(config, plan.requested_model, plan);
    plan.decision = "policy=direct";
  } else {
    return api::ApiError::modelNotFound(plan.requested_model);
  }

  if (plan.candidates.empty()) {
    std::string reasons;
    for (const auto& skipped : plan.skipped) reasons += (reasons.empty() ? "" : "; ") + skipped;
    return api::ApiError{503,
                         "No deployment of `" + plan.requested_model + "` is available (" + reasons +
                             "). A provider is disabled when its api_key is empty; set the key and reload.",
                         "server_error", "model", "no_available_deployment", {}};
  }
  return plan;
}

}  // namespace pointsman::route
