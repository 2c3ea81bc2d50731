#pragma once

#include <pointsman/config/route_policy.hpp>
#include <pointsman/route/policy_choice.hpp>
#include <pointsman/route/route_input.hpp>

namespace pointsman::route {

/// Sends a request to the semantic route whose examples it resembles, as the analyzer's
/// `features.semantic` reports it. Below `threshold`, with no match (the decision trace then
/// gives `features.semantic_unavailable` when set), or with a match to a route this policy does
/// not list, the policy does not match.
class SemanticPolicy {
 public:
  explicit SemanticPolicy(const config::SemanticPolicyConfig& config) : config_(config) {}

  [[nodiscard]] PolicyChoice choose(const RouteInput& input, DecisionTrace& trace) const;

 private:
  const config::SemanticPolicyConfig& config_;
};

}  // namespace pointsman::route
