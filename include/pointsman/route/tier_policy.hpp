#pragma once

#include <pointsman/config/route_policy.hpp>
#include <pointsman/route/policy_choice.hpp>
#include <pointsman/route/route_input.hpp>

namespace pointsman::route {

/// Picks deployments by the caller's tier (`tier: { premium: [...], free: [...] }`), before any
/// token is processed. A tier that is not listed takes `default`; without it, or without a
/// principal, the policy does not match.
class TierPolicy {
 public:
  explicit TierPolicy(const config::TierPolicyConfig& config) : config_(config) {}

  [[nodiscard]] PolicyChoice choose(const RouteInput& input, DecisionTrace& trace) const;

 private:
  const config::TierPolicyConfig& config_;
};

}  // namespace pointsman::route
