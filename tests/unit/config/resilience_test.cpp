// The `resilience:` section and the `retry:` and `timeout_ms` keys of a route.

#include <pointsman/config/loader.hpp>

#include "unit/config/loader_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pointsman::config {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;
using testing::errorLines;
using testing::fakeEnvironment;
using testing::kMinimalConfig;

// Loads the minimal config plus `extra` and fails the test unless it loads without errors.
std::shared_ptr<const Config> loadWith(const std::string& extra) {
  const LoadResult result =
      loadConfigText(std::string(kMinimalConfig) + extra, "test.yaml", fakeEnvironment());
  EXPECT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  return result.config;
}

std::vector<std::string> loadErrorsWith(const std::string& extra) {
  const LoadResult result =
      loadConfigText(std::string(kMinimalConfig) + extra, "test.yaml", fakeEnvironment());
  EXPECT_FALSE(result.config) << "a config with errors must not be returned";
  return errorLines(result);
}

TEST(ResilienceConfig, DefaultsWhenAbsent) {
  const auto config = loadWith("routes:\n  fast: { use: [mini] }\n");
  ASSERT_TRUE(config);
  const ResilienceConfig& resilience = config->resilience;

  EXPECT_EQ(resilience.retry.max_attempts_per_deployment, 1);
  EXPECT_EQ(resilience.retry.max_total_attempts, 0);
  EXPECT_EQ(resilience.retry.base_backoff, Milliseconds(200));
  EXPECT_EQ(resilience.retry.max_backoff, Milliseconds(10'000));
  EXPECT_TRUE(resilience.retry.retry_same_on_429);
  EXPECT_FALSE(resilience.retry.failover_on_content_filter);
  EXPECT_EQ(resilience.retry.max_retry_after, Milliseconds(30'000));

  EXPECT_EQ(resilience.breaker.consecutive_failures, 5);
  EXPECT_DOUBLE_EQ(resilience.breaker.failure_rate, 0.5);
  EXPECT_EQ(resilience.breaker.min_requests, 20);
  EXPECT_EQ(resilience.breaker.cool_down, Milliseconds(30'000));
  EXPECT_EQ(resilience.breaker.max_probes, 1);

  EXPECT_EQ(resilience.max_in_flight, 0u);
  EXPECT_EQ(resilience.request_timeout, Milliseconds(0));

  const RouteConfig& route = config->routes.at("fast");
  EXPECT_FALSE(route.retry);
  EXPECT_EQ(route.timeout, Milliseconds(0));
}

TEST(ResilienceConfig, EmptySectionKeepsDefaults) {
  const auto config = loadWith("resilience:\n");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->resilience.retry.max_attempts_per_deployment, 1);
  EXPECT_EQ(config->resilience.breaker.consecutive_failures, 5);
}

TEST(ResilienceConfig, FullSectionFillsEveryField) {
  const auto config = loadWith(R"(
resilience:
  retry:
    max_attempts_per_deployment: 3
    max_total_attempts: 6
    base_backoff_ms: 50
    max_backoff_ms: 2000
    retry_same_on_429: false
    failover_on_content_filter: true
    max_retry_after_ms: 5000
  breaker:
    consecutive_failures: 3
    failure_rate: 0.25
    min_requests: 10
    cool_down_ms: 15000
    max_probes: 2
  max_in_flight: 256
  request_timeout_ms: 90000
)");
  ASSERT_TRUE(config);
  const ResilienceConfig& resilience = config->resilience;

  EXPECT_EQ(resilience.retry.max_attempts_per_deployment, 3);
  EXPECT_EQ(resilience.retry.max_total_attempts, 6);
  EXPECT_EQ(resilience.retry.base_backoff, Milliseconds(50));
  EXPECT_EQ(resilience.retry.max_backoff, Milliseconds(2000));
  EXPECT_FALSE(resilience.retry.retry_same_on_429);
  EXPECT_TRUE(resilience.retry.failover_on_content_filter);
  EXPECT_EQ(resilience.retry.max_retry_after, Milliseconds(5000));

  EXPECT_EQ(resilience.breaker.consecutive_failures, 3);
  EXPECT_DOUBLE_EQ(resilience.breaker.failure_rate, 0.25);
  EXPECT_EQ(resilience.breaker.min_requests, 10);
  EXPECT_EQ(resilience.breaker.cool_down, Milliseconds(15000));
  EXPECT_EQ(resilience.breaker.max_probes, 2);

  EXPECT_EQ(resilience.max_in_flight, 256u);
  EXPECT_EQ(resilience.request_timeout, Milliseconds(90000));
}

TEST(ResilienceConfig, BoundaryValuesAreAccepted) {
  const auto config = loadWith(R"(
resilience:
  retry: { base_backoff_ms: 100, max_backoff_ms: 100, max_retry_after_ms: 0 }
  breaker: { failure_rate: 1 }
)");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->resilience.retry.max_backoff, Milliseconds(100));
  EXPECT_EQ(config->resilience.retry.max_retry_after, Milliseconds(0));
  EXPECT_DOUBLE_EQ(config->resilience.breaker.failure_rate, 1.0);
}

TEST(ResilienceConfig, RouteRetryInheritsUnsetKeys) {
  const auto config = loadWith(R"(
resilience:
  retry: { max_attempts_per_deployment: 2, base_backoff_ms: 100, retry_same_on_429: false }
routes:
  fast:
    use: [mini]
    retry: { max_attempts_per_deployment: 4, max_backoff_ms: 500 }
    timeout_ms: 20000
  plain: { use: [mini] }
)");
  ASSERT_TRUE(config);

  const RouteConfig& fast = config->routes.at("fast");
  ASSERT_TRUE(fast.retry);
  EXPECT_EQ(fast.retry->max_attempts_per_deployment, 4);
  EXPECT_EQ(fast.retry->max_backoff, Milliseconds(500));
  EXPECT_EQ(fast.retry->base_backoff, Milliseconds(100));
  EXPECT_FALSE(fast.retry->retry_same_on_429);
  EXPECT_EQ(fast.retry->max_total_attempts, 0);
  EXPECT_EQ(fast.retry->max_retry_after, Milliseconds(30'000));
  EXPECT_EQ(fast.timeout, Milliseconds(20000));

  EXPECT_EQ(config->resilience.retry.max_attempts_per_deployment, 2);
  EXPECT_EQ(config->resilience.retry.max_backoff, Milliseconds(10'000));

  const RouteConfig& plain = config->routes.at("plain");
  EXPECT_FALSE(plain.retry);
  EXPECT_EQ(plain.timeout, Milliseconds(0));
}

TEST(ResilienceConfig, EmptyRouteRetryCopiesGlobal) {
  const auto config = loadWith(R"(
resilience:
  retry: { max_total_attempts: 3 }
routes:
  fast: { use: [mini], retry: }
)");
  ASSERT_TRUE(config);
  const RouteConfig& fast = config->routes.at("fast");
  ASSERT_TRUE(fast.retry);
  EXPECT_EQ(fast.retry->max_total_attempts, 3);
}

TEST(ResilienceErrors, RetryRanges) {
  EXPECT_THAT(loadErrorsWith("resilience: { retry: { max_attempts_per_deployment: 0 } }\n"),
              ElementsAre("resilience.retry.max_attempts_per_deployment: must be > 0, got 0"));
  EXPECT_THAT(loadErrorsWith("resilience: { retry: { max_total_attempts: -1 } }\n"),
              ElementsAre("resilience.retry.max_total_attempts: must be >= 0, got -1"));
  EXPECT_THAT(loadErrorsWith("resilience: { retry: { base_backoff_ms: 0 } }\n"),
              ElementsAre("resilience.retry.base_backoff_ms: must be > 0, got 0"));
  EXPECT_THAT(loadErrorsWith("resilience: { retry: { max_backoff_ms: 0 } }\n"),
              ElementsAre("resilience.retry.max_backoff_ms: must be > 0, got 0"));
  EXPECT_THAT(loadErrorsWith("resilience: { retry: { max_retry_after_ms: -5 } }\n"),
              ElementsAre("resilience.retry.max_retry_after_ms: must be >= 0, got -5"));
  EXPECT_THAT(loadErrorsWith("resilience: { retry: { retry_same_on_429: often } }\n"),
              ElementsAre("resilience.retry.retry_same_on_429: expected a boolean (true or "
                          "false), got \"often\""));
}

TEST(ResilienceErrors, MaxBackoffBelowBase) {
  EXPECT_THAT(
      loadErrorsWith("resilience: { retry: { base_backoff_ms: 500, max_backoff_ms: 100 } }\n"),
      ElementsAre("resilience.retry.max_backoff_ms: must be >= base_backoff_ms (500), got 100"));
  EXPECT_THAT(loadErrorsWith("resilience: { retry: { base_backoff_ms: 20000 } }\n"),
              ElementsAre("resilience.retry.base_backoff_ms: must be <= max_backoff_ms (10000), "
                          "got 20000"));
}

TEST(ResilienceErrors, RouteBackoffCheckedAgainstInheritedValue) {
  EXPECT_THAT(loadErrorsWith(R"(
resilience:
  retry: { max_backoff_ms: 1000 }
routes:
  fast: { use: [mini], retry: { base_backoff_ms: 2000 } }
)"),
              ElementsAre("routes.fast.retry.base_backoff_ms: must be <= max_backoff_ms (1000), "
                          "got 2000"));
}

TEST(ResilienceErrors, BreakerRanges) {
  EXPECT_THAT(loadErrorsWith("resilience: { breaker: { consecutive_failures: 0 } }\n"),
              ElementsAre("resilience.breaker.consecutive_failures: must be > 0, got 0"));
  EXPECT_THAT(loadErrorsWith("resilience: { breaker: { failure_rate: 1.5 } }\n"),
              ElementsAre("resilience.breaker.failure_rate: must be > 0 and <= 1, got 1.5"));
  EXPECT_THAT(loadErrorsWith("resilience: { breaker: { failure_rate: 0 } }\n"),
              ElementsAre("resilience.breaker.failure_rate: must be > 0, got 0"));
  EXPECT_THAT(loadErrorsWith("resilience: { breaker: { min_requests: 0 } }\n"),
              ElementsAre("resilience.breaker.min_requests: must be > 0, got 0"));
  EXPECT_THAT(loadErrorsWith("resilience: { breaker: { cool_down_ms: 0 } }\n"),
              ElementsAre("resilience.breaker.cool_down_ms: must be > 0, got 0"));
  EXPECT_THAT(loadErrorsWith("resilience: { breaker: { max_probes: 0 } }\n"),
              ElementsAre("resilience.breaker.max_probes: must be > 0, got 0"));
}

TEST(ResilienceErrors, TopLevelRanges) {
  EXPECT_THAT(loadErrorsWith("resilience: { max_in_flight: -1 }\n"),
              ElementsAre("resilience.max_in_flight: must be >= 0, got -1"));
  EXPECT_THAT(loadErrorsWith("resilience: { request_timeout_ms: -1 }\n"),
              ElementsAre("resilience.request_timeout_ms: must be >= 0, got -1"));
  EXPECT_THAT(loadErrorsWith("routes: { fast: { use: [mini], timeout_ms: -1 } }\n"),
              ElementsAre("routes.fast.timeout_ms: must be >= 0, got -1"));
}

TEST(ResilienceErrors, RouteRetryRangeHasRoutePath) {
  EXPECT_THAT(
      loadErrorsWith("routes: { fast: { use: [mini], retry: { max_probes: 1, "
                     "max_attempts_per_deployment: 0 } } }\n"),
      ElementsAre(StartsWith("routes.fast.retry.max_probes: unknown key; allowed keys: "
                             "max_attempts_per_deployment, max_total_attempts"),
                  "routes.fast.retry.max_attempts_per_deployment: must be > 0, got 0"));
}

TEST(ResilienceErrors, UnknownKeyInEachBlock) {
  EXPECT_THAT(loadErrorsWith("resilience: { retries: {} }\n"),
              ElementsAre("resilience.retries: unknown key; allowed keys: retry, breaker, "
                          "max_in_flight, request_timeout_ms"));
  EXPECT_THAT(loadErrorsWith("resilience: { retry: { max_attempts: 2 } }\n"),
              ElementsAre("resilience.retry.max_attempts: unknown key; allowed keys: "
                          "max_attempts_per_deployment, max_total_attempts, base_backoff_ms, "
                          "max_backoff_ms, retry_same_on_429, failover_on_content_filter, "
                          "max_retry_after_ms"));
  EXPECT_THAT(loadErrorsWith("resilience: { breaker: { cooldown_ms: 5 } }\n"),
              ElementsAre("resilience.breaker.cooldown_ms: unknown key; allowed keys: "
                          "consecutive_failures, failure_rate, min_requests, cool_down_ms, "
                          "max_probes"));
  EXPECT_THAT(loadErrorsWith("routes: { fast: { use: [mini], timeout: 5 } }\n"),
              ElementsAre("routes.fast.timeout: unknown key; allowed keys: use, retry, "
                          "timeout_ms, balance, weights, hedge, fan_out, rules, otherwise, "
                          "on_premises_only, tier, cost, semantic, learned, cascade"));
}

TEST(ResilienceErrors, WrongShapes) {
  EXPECT_THAT(loadErrorsWith("resilience: []\n"),
              ElementsAre("resilience: expected a map, got a list"));
  EXPECT_THAT(loadErrorsWith("resilience: { breaker: 3 }\n"),
              ElementsAre("resilience.breaker: expected a map, got \"3\""));
  EXPECT_THAT(loadErrorsWith("routes: { fast: { use: [mini], retry: [] } }\n"),
              ElementsAre("routes.fast.retry: expected a map, got a list"));
}

TEST(ResilienceErrors, EveryErrorIsReported) {
  EXPECT_THAT(loadErrorsWith(R"(
resilience:
  retry: { max_attempts_per_deployment: 0 }
  breaker: { failure_rate: 2, max_probes: 0 }
  max_in_flight: -3
)"),
              ElementsAre("resilience.retry.max_attempts_per_deployment: must be > 0, got 0",
                          "resilience.breaker.failure_rate: must be > 0 and <= 1, got 2",
                          "resilience.breaker.max_probes: must be > 0, got 0",
                          "resilience.max_in_flight: must be >= 0, got -3"));
}

}  // namespace
}  // namespace pointsman::config
