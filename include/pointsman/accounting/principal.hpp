#pragma once

#include <pointsman/config/config.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace pointsman::accounting {

/// The caller: a key with its team, its tier, and the limits that remain after it inherits from
/// its tier. Built once per key when the config loads, shared read-only by every request.
struct Principal {
  std::string key_name;
  std::string team;
  std::string tier;
  std::map<std::string, std::string> labels;
  /// The key's own limits, each taken from the key when it sets it, else from its tier.
  config::AccessLimits limits;
  /// Limits on the whole tier and the whole team, shared by all their keys.
  std::optional<std::int64_t> tier_rpm;
  std::optional<std::int64_t> tier_tpm;
  std::optional<config::BudgetConfig> team_budget;
  /// True for a key made through the admin API (and kept in the store), false for a YAML key.
  bool from_admin_api = false;

  /// True when the key may use `route`; an empty list allows every route.
  [[nodiscard]] bool allowsRoute(const std::string& route) const {
    return limits.routes.empty() || limits.routes.contains(route);
  }
  /// True when the key may reach `deployment`; an empty list allows every deployment.
  [[nodiscard]] bool allowsDeployment(const std::string& deployment) const {
    return limits.deployments.empty() || limits.deployments.contains(deployment);
  }
};

/// Merges a key's limits over its tier's: each field the key leaves unset comes from the tier.
Principal principalFor(const config::KeyConfig& key, const config::Config& config);

}  // namespace pointsman::accounting
