#pragma once

#include <pointsman/config/loader.hpp>
#include <pointsman/route/route_resolver.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace pointsman::route::testing {

/// Two cloud providers and one on-premises provider, with deployments of different prices,
/// context windows and capabilities. Tests append a `routes:` block.
inline constexpr const char* kDeploymentsYaml = R"(
providers:
  cloud: { type: openai, base_url: "https://cloud.example/v1" }
  other: { type: openai, base_url: "https://other.example/v1" }
  onprem: { type: openai, base_url: "http://vllm.internal:8000/v1", tags: [on_premises] }
  onprem2: { type: openai, base_url: "http://vllm2.internal:8000/v1", tags: [on_premises] }
models:
  mini: { provider: cloud, price: { input: 0.15, output: 0.60 }, context: 128000, capabilities: [tools, json] }
  sonnet: { provider: other, price: { input: 3.00, output: 15.00 }, context: 200000, capabilities: [tools, vision, json] }
  local: { provider: onprem, price: { input: 0, output: 0 }, context: 32000 }
  local2: { provider: onprem2, price: { input: 0, output: 0 }, context: 8000 }
  embed: { provider: cloud, price: { input: 0.02, output: 0 }, context: 8191, capabilities: [embeddings] }
  local-embed: { provider: onprem, price: { input: 0, output: 0 }, context: 8191, capabilities: [embeddings] }
)";

/// Loads the deployments above plus `routes`, and fails the test on any config error.
inline std::shared_ptr<const config::Config> loadRoutes(const std::string& routes) {
  const auto environment = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  config::LoadResult result = config::loadConfigText(std::string(kDeploymentsYaml) + routes, "", environment);
  for (const auto& error : result.errors) ADD_FAILURE() << error.toString();
  return result.config;
}

/// The config errors for the deployments above plus `routes`.
inline std::vector<std::string> routeErrors(const std::string& routes) {
  const auto environment = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  config::LoadResult result = config::loadConfigText(std::string(kDeploymentsYaml) + routes, "", environment);
  std::vector<std::string> lines;
  for (const auto& error : result.errors) lines.push_back(error.toString());
  return lines;
}

inline std::vector<std::string> candidateNames(const Plan& plan) {
  std::vector<std::string> names;
  for (const auto& candidate : plan.candidates) names.push_back(candidate.deployment->name);
  return names;
}

/// Resolves `model` and fails the test when the result is an error.
inline Plan planFor(const config::Config& config, const std::string& model, const RouteInput& input) {
  auto result = resolvePlan(config, model, input);
  if (auto* error = std::get_if<api::ApiError>(&result)) {
    ADD_FAILURE() << "expected a plan, got " << error->status << ": " << error->message;
    return {};
  }
  return std::get<Plan>(std::move(result));
}

}  // namespace pointsman::route::testing
