#include <pointsman/route/route_resolver.hpp>

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

namespace pointsman::route {
namespace {

void addProvider(config::Config& config, const std::string& name, bool enabled = true) {
  config::ProviderConfig provider;
  provider.name = name;
  provider.base_url = "https://" + name + ".example/v1";
  provider.enabled = enabled;
  config.providers[name] = provider;
}

void addDeployment(config::Config& config, const std::string& name, const std::string& provider) {
  config::DeploymentConfig deployment;
  deployment.name = name;
  deployment.provider = provider;
  deployment.model = name + "-upstream";
  config.models[name] = deployment;
}

void addRoute(config::Config& config, const std::string& name, std::vector<std::string> use) {
  config::RouteConfig route;
  route.name = name;
  route.use = std::move(use);
  config.routes[name] = std::move(route);
}

// Three providers, one of them disabled, and routes over their deployments.
config::Config sampleConfig() {
  config::Config config;
  addProvider(config, "openai");
  addProvider(config, "azure");
  addProvider(config, "offline", /*enabled=*/false);
  addDeployment(config, "gpt-4o", "openai");
  addDeployment(config, "gpt-4o-azure", "azure");
  addDeployment(config, "gpt-4o-mini", "openai");
  addDeployment(config, "llama-offline", "offline");
  addDeployment(config, "mistral-offline", "offline");
  addRoute(config, "smart", {"gpt-4o-azure", "gpt-4o", "gpt-4o-mini"});
  addRoute(config, "mixed", {"llama-offline", "gpt-4o-mini"});
  addRoute(config, "dark", {"llama-offline", "mistral-offline"});
  return config;
}

std::vector<std::string> candidateNames(const Plan& plan) {
  std::vector<std::string> names;
  for (const auto& candidate : plan.candidates) names.push_back(candidate.deployment->name);
  return names;
}

TEST(RouteResolver, RouteGivesCandidatesInUseOrder) {
  const auto config = sampleConfig();

  const auto result = resolvePlan(config, "smart");

  ASSERT_TRUE(std::holds_alternative<Plan>(result));
  const auto& plan = std::get<Plan>(result);
  EXPECT_EQ(candidateNames(plan), (std::vector<std::string>{"gpt-4o-azure", "gpt-4o", "gpt-4o-mini"}));
  EXPECT_EQ(plan.requested_model, "smart");
  EXPECT_EQ(plan.route, "smart");
  EXPECT_EQ(plan.policy, "use");
  EXPECT_TRUE(plan.skipped.empty());
  EXPECT_EQ(plan.decision, "route=smart policy=use");
}

TEST(RouteResolver, CandidatesPointIntoConfig) {
  const auto config = sampleConfig();

  const auto plan = std::get<Plan>(resolvePlan(config, "smart"));

  ASSERT_EQ(plan.candidates.size(), 3u);
  EXPECT_EQ(plan.candidates[0].deployment, &config.models.at("gpt-4o-azure"));
  EXPECT_EQ(plan.candidates[0].provider, &config.providers.at("azure"));
  EXPECT_EQ(plan.candidates[1].provider, &config.providers.at("openai"));
}

TEST(RouteResolver, DeploymentNameIsDirect) {
  const auto config = sampleConfig();

  const auto result = resolvePlan(config, "gpt-4o-mini");

  ASSERT_TRUE(std::holds_alternative<Plan>(result));
  const auto& plan = std::get<Plan>(result);
  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"gpt-4o-mini"});
  EXPECT_EQ(plan.policy, "direct");
  EXPECT_EQ(plan.route, "");
  EXPECT_EQ(plan.requested_model, "gpt-4o-mini");
  EXPECT_EQ(plan.decision, "policy=direct");
}

TEST(RouteResolver, RouteWinsOverDeploymentOfSameName) {
  auto config = sampleConfig();
  addRoute(config, "gpt-4o", {"gpt-4o-azure"});

  const auto plan = std::get<Plan>(resolvePlan(config, "gpt-4o"));

  EXPECT_EQ(plan.policy, "use");
  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"gpt-4o-azure"});
}

TEST(RouteResolver, UnknownModelIs404) {
  const auto config = sampleConfig();

  for (const char* model : {"gpt-5", "", "SMART", "gpt-4o-upstream"}) {
    const auto result = resolvePlan(config, model);

    ASSERT_TRUE(std::holds_alternative<api::ApiError>(result)) << model;
    const auto& error = std::get<api::ApiError>(result);
    EXPECT_EQ(error.status, 404u) << model;
    EXPECT_EQ(error.code, "model_not_found") << model;
    EXPECT_EQ(error.param, "model") << model;
  }
}

TEST(RouteResolver, DisabledProviderIsSkipped) {
  const auto config = sampleConfig();

  const auto result = resolvePlan(config, "mixed");

  ASSERT_TRUE(std::holds_alternative<Plan>(result));
  const auto& plan = std::get<Plan>(result);
  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"gpt-4o-mini"});
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0], "llama-offline: provider offline disabled");
}

TEST(RouteResolver, UndefinedDeploymentIsSkipped) {
  auto config = sampleConfig();
  addRoute(config, "typo", {"gpt-4o-mnii", "gpt-4o"});

  const auto plan = std::get<Plan>(resolvePlan(config, "typo"));

  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"gpt-4o"});
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0], "gpt-4o-mnii: not defined");
}

TEST(RouteResolver, RouteWithOnlyDisabledProvidersIs503) {
  const auto config = sampleConfig();

  const auto result = resolvePlan(config, "dark");

  ASSERT_TRUE(std::holds_alternative<api::ApiError>(result));
  const auto& error = std::get<api::ApiError>(result);
  EXPECT_EQ(error.status, 503u);
  EXPECT_EQ(error.param, "model");
  EXPECT_EQ(error.code, "no_available_deployment");
  EXPECT_NE(error.message.find("dark"), std::string::npos) << error.message;
}

TEST(RouteResolver, DisabledDeploymentNamedDirectlyIs503) {
  const auto config = sampleConfig();

  const auto result = resolvePlan(config, "llama-offline");

  ASSERT_TRUE(std::holds_alternative<api::ApiError>(result));
  EXPECT_EQ(std::get<api::ApiError>(result).status, 503u);
}

TEST(RouteResolver, EmptyRouteIs503) {
  auto config = sampleConfig();
  addRoute(config, "nothing", {});

  const auto result = resolvePlan(config, "nothing");

  ASSERT_TRUE(std::holds_alternative<api::ApiError>(result));
  EXPECT_EQ(std::get<api::ApiError>(result).status, 503u);
}

}  // namespace
}  // namespace pointsman::route
