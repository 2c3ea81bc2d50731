#include <pointsman/accounting/principal.hpp>

#include <pointsman/config/config.hpp>

namespace pointsman::accounting {

Principal principalFor(const config::KeyConfig& key, const config::Config& config) {
  Principal principal;
  principal.key_name = key.name;
  principal.team = key.team;
  principal.tier = key.tier;
  principal.labels = key.labels;
  principal.limits = key.limits;

  if (const auto tier = config.tiers.find(key.tier); tier != config.tiers.end()) {
    const auto& inherited = tier->second.limits;
    auto& limits = principal.limits;
    if (!limits.budget) limits.budget = inherited.budget;
    if (!limits.rpm) limits.rpm = inherited.rpm;
    if (!limits.tpm) limits.tpm = inherited.tpm;
    if (limits.routes.empty()) limits.routes = inherited.routes;
    if (limits.deployments.empty()) limits.deployments = inherited.deployments;
    principal.tier_rpm = tier->second.total_rpm;
    principal.tier_tpm = tier->second.total_tpm;
  }
  if (const auto team = config.teams.find(key.team); team != config.teams.end()) {
    principal.team_budget = team->second.budget;
  }
  return principal;
}

}  // namespace pointsman::accounting
