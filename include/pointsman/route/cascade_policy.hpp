#pragma once

#include <pointsman/config/route_policy.hpp>
#include <pointsman/route/policy_choice.hpp>
#include <pointsman/route/route_input.hpp>

namespace pointsman::route {

/// Lists the cascade's deployments cheapest first. The executor runs them as a cascade with the
/// plan's acceptance checks; this policy only chooses the order and always matches.
class CascadePolicy {
 public:
  explicit CascadePolicy(const config::CascadePolicyConfig& config) : config_(config) {}

  [[nodiscard]] PolicyChoice choose(const RouteInput& input, DecisionTrace& trace) const;

  /// The checks in words for traces, e.g. "non_empty,finish_reason_stop,min_score>=0.5".
  [[nodiscard]] std::string describeChecks() const;

 private:
  const config::CascadePolicyConfig& config_;
};

}  // namespace pointsman::route
