#include <pointsman/route/learned_policy.hpp>

#include "route/trace_number.hpp"

namespace pointsman::route {

PolicyChoice LearnedPolicy::choose(const RouteInput& input, DecisionTrace& trace) const {
  PolicyChoice choice;
  choice.matched = true;
  const auto complexity = input.features != nullptr ? input.features->complexity : std::nullopt;
  if (!complexity) {
    trace.noteInput("complexity", "absent");
    choice.deployments = {config_.strong, config_.weak};
    choice.detail = "no complexity score: strong";
    return choice;
  }

  const std::string score = formatFixed2(*complexity);
  trace.noteInput("complexity", score);
  const bool strong = *complexity >= config_.threshold;
  if (strong) {
    choice.deployments = {config_.strong, config_.weak};
    choice.detail = "score=" + score + ">=";
  } else {
    choice.deployments = {config_.weak, config_.strong};
    choice.detail = "score=" + score + "<";
  }
  appendFixed2(choice.detail, config_.threshold);
  return choice;
}

}  // namespace pointsman::route
