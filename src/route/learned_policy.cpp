#include <pointsman/route/learned_policy.hpp>

#include <fmt/format.h>

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

  trace.noteInput("complexity", fmt::format("{:.2f}", *complexity));
  const bool strong = *complexity >= config_.threshold;
  if (strong) {
    choice.deployments = {config_.strong, config_.weak};
    choice.detail = fmt::format("score={:.2f}>={:.2f}", *complexity, config_.threshold);
  } else {
    choice.deployments = {config_.weak, config_.strong};
    choice.detail = fmt::format("score={:.2f}<{:.2f}", *complexity, config_.threshold);
  }
  return choice;
}

}  // namespace pointsman::route
