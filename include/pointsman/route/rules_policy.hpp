#pragma once

#include <pointsman/config/config.hpp>
#include <pointsman/route/policy_choice.hpp>
#include <pointsman/route/route_input.hpp>

namespace pointsman::route {

/// The action that decided a request and what its policy chose.
struct RulesDecision {
  /// Null when no rule decided and the route has no `otherwise:`.
  const config::RouteAction* action = nullptr;
  /// "2" for `rules[2]`, "otherwise", or empty for a route given as one policy.
  std::string rule;
  PolicyChoice choice;
};

/// Tries a route's `rules:` in order: the first whose `when:` holds and whose policy matches
/// decides; then `otherwise:`. Every rule tried goes into the trace with the reason.
class RulesPolicy {
 public:
  RulesPolicy(const config::RouteConfig& route, const config::Config& snapshot) : route_(route), snapshot_(snapshot) {}

  [[nodiscard]] RulesDecision decide(const RouteInput& input, DecisionTrace& trace) const;

  /// Runs one action's policy.
  [[nodiscard]] PolicyChoice runAction(const config::RouteAction& action, const RouteInput& input,
                                       DecisionTrace& trace) const;

 private:
  const config::RouteConfig& route_;
  const config::Config& snapshot_;
};

}  // namespace pointsman::route
