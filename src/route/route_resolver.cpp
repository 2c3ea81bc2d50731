#include <pointsman/route/route_resolver.hpp>

#include <pointsman/route/cascade_policy.hpp>
#include <pointsman/route/rules_policy.hpp>

namespace pointsman::route {
namespace {

constexpr const char* kOnPremisesTag = "on_premises";

void skip(Plan& plan, const std::string& deployment, std::string reason) {
  plan.skipped.push_back(deployment + ": " + reason);
  plan.trace.skipped.push_back({deployment, std::move(reason)});
}

void addCandidate(const config::Config& config, const std::string& deployment_name, Plan& plan) {
  const auto deployment = config.models.find(deployment_name);
  if (deployment == config.models.end()) {
    skip(plan, deployment_name, "not defined");
    return;
  }
  const auto provider = config.providers.find(deployment->second.provider);
  if (provider == config.providers.end() || !provider->second.enabled) {
    skip(plan, deployment_name, "provider " + deployment->second.provider + " disabled");
    return;
  }
  // The executor only ever sees the candidates, so leaving a deployment out here keeps it out
  // of failover, hedges and cascade steps alike.
  if (plan.on_premises_only && !provider->second.tags.contains(kOnPremisesTag)) {
    skip(plan, deployment_name, "provider " + deployment->second.provider + " is not tagged on_premises");
    return;
  }
  for (const auto& candidate : plan.candidates) {
    if (candidate.deployment == &deployment->second) return;  // listed twice, e.g. strong == weak
  }
  plan.candidates.push_back({&deployment->second, &provider->second});
  plan.trace.candidates.push_back(deployment_name);
}

api::ApiError noCandidateError(const Plan& plan) {
  std::string reasons;
  for (const auto& skipped : plan.skipped) reasons += (reasons.empty() ? "" : "; ") + skipped;
  if (plan.on_premises_only) {
    return api::ApiError{503,
                         "No on-premises deployment of `" + plan.requested_model + "` is available (" + reasons +
                             "). The request must stay on premises, so no other deployment is tried.",
                         "server_error", "model", "no_available_deployment", {}};
  }
  return api::ApiError{503,
                       "No deployment of `" + plan.requested_model + "` is available (" + reasons +
                           "). A provider is disabled when its api_key is empty; set the key and reload.",
                       "server_error", "model", "no_available_deployment", {}};
}

// `route=auto rule=2 policy=learned score=0.71>=0.60 -> sonnet`
std::string decisionLine(const Plan& plan, const std::string& rule, const std::string& detail) {
  std::string line = "route=" + plan.route;
  if (!rule.empty()) line += " rule=" + rule;
  line += " policy=" + plan.policy;
  if (!detail.empty() && detail != plan.policy) line += " " + detail;
  if (plan.on_premises_only) line += " on_premises_only";
  if (!plan.candidates.empty()) line += " -> " + plan.candidates.front().deployment->name;
  return line;
}

void resolveUseRoute(const config::Config& config, const config::RouteConfig& route, Plan& plan) {
  plan.policy = "use";
  for (const auto& deployment_name : route.use) addCandidate(config, deployment_name, plan);
  plan.trace.policy = plan.policy;
  plan.decision = "route=" + plan.route + " policy=use";
  if (plan.on_premises_only) plan.decision += " on_premises_only";
}

std::optional<api::ApiError> resolvePolicyRoute(const config::Config& config, const config::RouteConfig& route,
                                                const RouteInput& input, Plan& plan) {
  RulesDecision decided = RulesPolicy(route, config).decide(input, plan.trace);
  if (decided.action == nullptr) {
    return api::ApiError{503,
                         "No rule of route `" + plan.route +
                             "` matched the request and the route has no `otherwise:`; add one to the config.",
                         "server_error", "model", "no_matching_rule", {}};
  }
  const auto& action = *decided.action;
  plan.policy = config::policyName(action.policy);
  plan.on_premises_only = plan.on_premises_only || action.on_premises_only;
  if (const auto* cascade = std::get_if<config::CascadePolicyConfig>(&action.policy)) {
    plan.strategy = ExecutionStrategy::Cascade;
    plan.cascade_checks = &cascade->accept;
  }

  for (auto& skipped : decided.choice.skipped) skip(plan, skipped.deployment, std::move(skipped.reason));
  for (const auto& deployment_name : decided.choice.deployments) addCandidate(config, deployment_name, plan);

  plan.trace.decided_by = action.path;
  plan.trace.policy = plan.policy;
  plan.trace.detail = decided.choice.detail;
  plan.decision = decisionLine(plan, decided.rule, decided.choice.detail);
  return std::nullopt;
}

}  // namespace

const char* strategyName(ExecutionStrategy strategy) {
  return strategy == ExecutionStrategy::Cascade ? "cascade" : "single";
}

std::variant<Plan, api::ApiError> resolvePlan(const config::Config& config, std::string_view model) {
  return resolvePlan(config, model, RouteInput{});
}

std::variant<Plan, api::ApiError> resolvePlan(const config::Config& config, std::string_view model,
                                              const RouteInput& input) {
  Plan plan;
  plan.requested_model = std::string(model);

  if (const auto route = config.routes.find(plan.requested_model); route != config.routes.end()) {
    plan.route = route->first;
    plan.on_premises_only = route->second.on_premises_only;
    if (route->second.otherwise || !route->second.rules.empty()) {
      if (auto error = resolvePolicyRoute(config, route->second, input, plan)) return *error;
    } else {
      resolveUseRoute(config, route->second, plan);
    }
  } else if (config.models.contains(plan.requested_model)) {
    plan.policy = "direct";
    plan.trace.policy = plan.policy;
    addCandidate(config, plan.requested_model, plan);
    plan.decision = "policy=direct";
  } else {
    return api::ApiError::modelNotFound(plan.requested_model);
  }

  if (plan.on_premises_only) plan.trace.constraints.emplace_back("on_premises_only");
  if (plan.candidates.empty()) return noCandidateError(plan);
  return plan;
}

}  // namespace pointsman::route
