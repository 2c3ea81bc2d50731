#include <pointsman/route/rules_policy.hpp>

#include <pointsman/route/cascade_policy.hpp>
#include <pointsman/route/cost_policy.hpp>
#include <pointsman/route/learned_policy.hpp>
#include <pointsman/route/semantic_policy.hpp>
#include <pointsman/route/tier_policy.hpp>

#include "route/condition_evaluator.hpp"

namespace pointsman::route {

PolicyChoice RulesPolicy::runAction(const config::RouteAction& action, const RouteInput& input,
                                    DecisionTrace& trace) const {
  const auto& policy = action.policy;
  if (const auto* use = std::get_if<config::UsePolicyConfig>(&policy)) {
    return PolicyChoice{true, use->deployments, "use", {}};
  }
  if (const auto* tier = std::get_if<config::TierPolicyConfig>(&policy)) return TierPolicy(*tier).choose(input, trace);
  if (const auto* cost = std::get_if<config::CostPolicyConfig>(&policy)) {
    return CostPolicy(*cost, snapshot_).choose(input, trace);
  }
  if (const auto* semantic = std::get_if<config::SemanticPolicyConfig>(&policy)) {
    return SemanticPolicy(*semantic).choose(input, trace);
  }
  if (const auto* learned = std::get_if<config::LearnedPolicyConfig>(&policy)) {
    return LearnedPolicy(*learned).choose(input, trace);
  }
  return CascadePolicy(std::get<config::CascadePolicyConfig>(policy)).choose(input, trace);
}

RulesDecision RulesPolicy::decide(const RouteInput& input, DecisionTrace& trace) const {
  ConditionEvaluator evaluator(input, trace);
  for (std::size_t index = 0; index < route_.rules.size(); ++index) {
    const config::RuleConfig& rule = route_.rules[index];
    std::string failure;
    if (!evaluator.allHold(rule.when, failure)) {
      trace.rules.push_back({rule.action.path, false, std::move(failure)});
      continue;
    }
    PolicyChoice choice = runAction(rule.action, input, trace);
    std::string detail = rule.when.empty() ? "no conditions; " : "conditions hold; ";
    detail += choice.detail;
    trace.rules.push_back({rule.action.path, choice.matched, std::move(detail)});
    if (choice.matched) return RulesDecision{&rule.action, std::to_string(index), std::move(choice)};
  }

  if (!route_.otherwise) return {};
  PolicyChoice choice = runAction(*route_.otherwise, input, trace);
  std::string rule = route_.rules.empty() && !route_.otherwise->path.ends_with(".otherwise") ? "" : "otherwise";
  trace.rules.push_back({route_.otherwise->path, choice.matched, choice.detail});
  if (!choice.matched) return {};
  return RulesDecision{&*route_.otherwise, std::move(rule), std::move(choice)};
}

}  // namespace pointsman::route
