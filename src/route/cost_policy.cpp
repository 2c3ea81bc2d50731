#include <pointsman/route/cost_policy.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace pointsman::route {

namespace {

constexpr double kTokensPerPriceUnit = 1e6;  // prices are USD per million tokens

}  // namespace

std::string CostPolicy::unmetNeed(const config::DeploymentConfig& deployment, const analyze::Features& features) {
  const std::int64_t needed = features.estimated_prompt_tokens + features.max_tokens.value_or(0);
  if (deployment.context > 0 && needed > static_cast<std::int64_t>(deployment.context)) {
    return fmt::format("context {} < {} tokens needed", deployment.context, needed);
  }
  if (features.has_tools && !deployment.capabilities.contains("tools")) return "no tools capability";
  if (features.has_images && !deployment.capabilities.contains("vision")) return "no vision capability";
  if (features.json_mode && !deployment.capabilities.contains("json")) return "no json capability";
  return {};
}

double CostPolicy::estimatedCost(const config::DeploymentConfig& deployment, const analyze::Features& features) const {
  const auto output_tokens = features.max_tokens.value_or(config_.expected_output_tokens);
  return (static_cast<double>(features.estimated_prompt_tokens) * deployment.price.input +
          static_cast<double>(output_tokens) * deployment.price.output) /
         kTokensPerPriceUnit;
}

PolicyChoice CostPolicy::choose(const RouteInput& input, DecisionTrace& trace) const {
  static const analyze::Features kNoFeatures;
  const analyze::Features& features = input.features != nullptr ? *input.features : kNoFeatures;
  PolicyChoice choice;
  trace.noteInput("prompt_tokens", std::to_string(features.estimated_prompt_tokens));

  const auto remaining = input.principal != nullptr ? input.principal->budget_remaining : std::nullopt;
  const bool downgrade = remaining && config_.downgrade_below > 0 && *remaining < config_.downgrade_below;
  if (remaining) trace.noteInput("budget_remaining", fmt::format("{:.2f}", *remaining));
  const auto& considered = downgrade ? config_.downgrade_to : config_.from;

  std::vector<std::pair<double, std::string>> priced;
  for (const auto& name : considered) {
    const auto deployment = snapshot_.models.find(name);
    if (deployment == snapshot_.models.end()) {
      choice.skipped.push_back({name, "not defined"});
      continue;
    }
    if (auto need = unmetNeed(deployment->second, features); !need.empty()) {
      choice.skipped.push_back({name, std::move(need)});
      continue;
    }
    priced.emplace_back(estimatedCost(deployment->second, features), name);
  }
  // Stable, so deployments of equal cost keep their order in the config.
  std::stable_sort(priced.begin(), priced.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  const std::string budget_note =
      downgrade ? fmt::format("budget_remaining={:.2f}<{:.2f}: downgrade; ", *remaining, config_.downgrade_below) : "";
  if (priced.empty()) {
    choice.detail = budget_note + "no deployment meets the request's needs";
    return choice;
  }
  choice.matched = true;
  for (auto& [cost, name] : priced) choice.deployments.push_back(std::move(name));
  choice.detail = fmt::format("{}cheapest={} est_usd={:.6f}", budget_note, choice.deployments.front(), priced.front().first);
  return choice;
}

}  // namespace pointsman::route
