#include <pointsman/route/semantic_policy.hpp>

#include "route/trace_number.hpp"

#include <algorithm>

namespace pointsman::route {

PolicyChoice SemanticPolicy::choose(const RouteInput& input, DecisionTrace& trace) const {
  PolicyChoice choice;
  const auto& semantic = input.features != nullptr ? input.features->semantic : std::nullopt;
  if (!semantic) {
    const std::string unavailable = input.features != nullptr ? input.features->semantic_unavailable : std::string();
    if (!unavailable.empty()) {
      trace.noteInput("semantic_route", "unavailable");
      choice.detail = "no semantic match: " + unavailable;
      return choice;
    }
    trace.noteInput("semantic_route", "absent");
    choice.detail = "no semantic match";
    return choice;
  }
  const std::string similarity = formatFixed2(semantic->similarity);
  trace.noteInput("semantic_route", semantic->route);
  trace.noteInput("semantic_similarity", similarity);

  const auto route = std::find_if(config_.routes.begin(), config_.routes.end(),
                                  [&](const config::SemanticRouteConfig& candidate) { return candidate.name == semantic->route; });
  const std::string score = semantic->route + "=" + similarity;
  if (route == config_.routes.end()) {
    choice.detail = score + ": not a route of this policy";
    return choice;
  }
  if (semantic->similarity < config_.threshold) {
    choice.detail = score + "<";
    appendFixed2(choice.detail, config_.threshold);
    choice.detail += ": below threshold";
    return choice;
  }
  choice.matched = true;
  choice.deployments = route->use;
  choice.detail = "semantic " + score + ">=";
  appendFixed2(choice.detail, config_.threshold);
  return choice;
}

}  // namespace pointsman::route
