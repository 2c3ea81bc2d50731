#pragma once

#include <pointsman/config/config.hpp>
#include <pointsman/route/policy_choice.hpp>
#include <pointsman/route/route_input.hpp>

namespace pointsman::route {

/// Orders the deployments of `from` that meet the request's needs by estimated cost, cheapest
/// first. Needs are a context window of at least the prompt plus `max_tokens`, and the `tools`,
/// `vision` and `json` capabilities when the request uses tools, images or JSON mode. When the
/// caller's remaining budget share is below `downgrade_below`, only `downgrade_to` deployments
/// stay.
class CostPolicy {
 public:
  CostPolicy(const config::CostPolicyConfig& config, const config::Config& snapshot)
      : config_(config), snapshot_(snapshot) {}

  [[nodiscard]] PolicyChoice choose(const RouteInput& input, DecisionTrace& trace) const;

  /// The estimated USD cost of the request at `deployment`: prompt tokens at the input price
  /// plus `max_tokens` (else `expected_output_tokens`) at the output price.
  [[nodiscard]] double estimatedCost(const config::DeploymentConfig& deployment,
                                     const analyze::Features& features) const;

  /// Why `deployment` cannot serve the request, or an empty string when it can.
  [[nodiscard]] static std::string unmetNeed(const config::DeploymentConfig& deployment,
                                             const analyze::Features& features);

 private:
  const config::CostPolicyConfig& config_;
  const config::Config& snapshot_;
};

}  // namespace pointsman::route
