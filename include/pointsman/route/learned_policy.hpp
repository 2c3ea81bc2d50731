#pragma once

#include <pointsman/config/route_policy.hpp>
#include <pointsman/route/policy_choice.hpp>
#include <pointsman/route/route_input.hpp>

namespace pointsman::route {

/// Chooses between a strong and a weak deployment by the complexity score, the learned router's
/// estimate that the weak model would fall short: at or above `threshold` the strong one goes
/// first, below it the weak one; the other follows as failover. Without a score (no learned
/// model loaded) the strong one goes first, because a wrong weak answer costs more than tokens.
class LearnedPolicy {
 public:
  explicit LearnedPolicy(const config::LearnedPolicyConfig& config) : config_(config) {}

  [[nodiscard]] PolicyChoice choose(const RouteInput& input, DecisionTrace& trace) const;

 private:
  const config::LearnedPolicyConfig& config_;
};

}  // namespace pointsman::route
