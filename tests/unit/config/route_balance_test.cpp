#include "unit/config/loader_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pointsman::config {
namespace {

using ::testing::ElementsAre;
using testing::errorLines;
using testing::fakeEnvironment;

LoadResult loadRoute(const std::string& route_fields) {
  const std::string yaml =
      "providers:\n  p: { type: openai, base_url: \"http://127.0.0.1:1/v1\" }\n"
      "models:\n  a: { provider: p }\n  b: { provider: p }\n"
      "routes:\n  pool: { use: [a, b], " + route_fields + " }\n";
  return loadConfigText(yaml, "test.yaml", fakeEnvironment());
}

TEST(RouteBalance, ReadsStrategyAndWeights) {
  const auto result = loadRoute("balance: weighted, weights: { a: 3, b: 0.5 }");

  ASSERT_TRUE(result.ok()) << errorLines(result).front();
  const auto& route = result.config->routes.at("pool");
  EXPECT_EQ(route.balance, "weighted");
  EXPECT_DOUBLE_EQ(route.weights.at("a"), 3.0);
  EXPECT_DOUBLE_EQ(route.weights.at("b"), 0.5);
}

TEST(RouteBalance, DefaultKeepsUseOrder) {
  const auto result = loadRoute("timeout_ms: 0");

  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.config->routes.at("pool").balance.empty());
}

TEST(RouteBalance, InvalidSettingsAreErrors) {
  EXPECT_THAT(errorLines(loadRoute("balance: fastest")),
              ElementsAre("routes.pool.balance: unsupported value \"fastest\"; supported values: weighted, "
                          "least_outstanding, lowest_latency"));
  EXPECT_THAT(errorLines(loadRoute("balance: least_outstanding, weights: { a: 2 }")),
              ElementsAre("routes.pool.weights: only applies with balance: weighted; set it or remove weights"));
  EXPECT_THAT(errorLines(loadRoute("balance: weighted, weights: { c: 2 }")),
              ElementsAre("routes.pool.weights.c: \"c\" is not in this route's use list; weights apply to those "
                          "deployments only"));
  EXPECT_THAT(errorLines(loadRoute("balance: weighted, weights: { a: 0 }")),
              ElementsAre("routes.pool.weights.a: must be > 0, got 0"));
}

}  // namespace
}  // namespace pointsman::config
