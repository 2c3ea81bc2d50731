#include <pointsman/route/tier_policy.hpp>

namespace pointsman::route {

PolicyChoice TierPolicy::choose(const RouteInput& input, DecisionTrace& trace) const {
  PolicyChoice choice;
  const std::string tier = input.principal != nullptr ? input.principal->tier : std::string();
  trace.noteInput("tier", tier.empty() ? "absent" : tier);

  const auto listed = config_.tiers.find(tier);
  if (!tier.empty() && listed != config_.tiers.end()) {
    choice.matched = true;
    choice.deployments = listed->second;
    choice.detail = "tier=" + tier;
    return choice;
  }
  if (!config_.fallback.empty()) {
    choice.matched = true;
    choice.deployments = config_.fallback;
    choice.detail = "tier=" + (tier.empty() ? std::string("absent") : tier) + " not listed: default";
    return choice;
  }
  choice.detail = "tier=" + (tier.empty() ? std::string("absent") : tier) + " not listed and no default";
  return choice;
}

}  // namespace pointsman::route
