#include <pointsman/route/cascade_policy.hpp>

#include <fmt/format.h>

namespace pointsman::route {

PolicyChoice CascadePolicy::choose(const RouteInput& /*input*/, DecisionTrace& /*trace*/) const {
  PolicyChoice choice;
  choice.matched = true;
  choice.deployments = config_.use;
  choice.detail = "cascade accept=" + describeChecks();
  return choice;
}

std::string CascadePolicy::describeChecks() const {
  const auto& accept = config_.accept;
  std::string checks;
  const auto add = [&checks](bool enabled, std::string_view name) {
    if (!enabled) return;
    if (!checks.empty()) checks += ',';
    checks += name;
  };
  add(accept.non_empty, "non_empty");
  add(accept.finish_reason_stop, "finish_reason_stop");
  add(accept.not_refusal, "not_refusal");
  add(accept.valid_json_in_json_mode, "valid_json_in_json_mode");
  if (accept.min_score) add(true, fmt::format("min_score>={:.2f}", *accept.min_score));
  if (accept.verifier) add(true, fmt::format("verifier={}>={:.2f}", accept.verifier->deployment, accept.verifier->min_score));
  return checks.empty() ? "none" : checks;
}

}  // namespace pointsman::route
