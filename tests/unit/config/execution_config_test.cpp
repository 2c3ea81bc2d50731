// The blocks that shape execution (hedge, fan_out, limits, health_check) and the network edges
// of a provider (proxy, client certificate): what they read and what they reject.

#include <pointsman/config/loader.hpp>

#include "unit/config/loader_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pointsman::config {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::errorLines;
using testing::fakeEnvironment;

constexpr const char* kProvidersAndModels = R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1" }
models:
  mini: { provider: sim }
  large: { provider: sim }
)";

LoadResult load(const std::string& extra) {
  return loadConfigText(std::string(kProvidersAndModels) + extra, "test.yaml", fakeEnvironment());
}

TEST(ExecutionConfig, HedgeAndLimitsAreRead) {
  const auto result = load(R"(
routes:
  smart: { use: [mini, large], hedge: { after: p95, min_after_ms: 80, max_extra_percent: 10 } }
)");
  ASSERT_TRUE(result.config) << ::testing::PrintToString(errorLines(result));
  const auto& hedge = result.config->routes.at("smart").hedge;
  EXPECT_TRUE(hedge.enabled);
  EXPECT_TRUE(hedge.after_p95);
  EXPECT_EQ(hedge.min_after.count(), 80);
  EXPECT_DOUBLE_EQ(hedge.max_extra_percent, 10.0);
}

TEST(ExecutionConfig, HedgeNeedsExactlyOneDelay) {
  const auto errors = errorLines(load("routes:\n  smart: { use: [mini, large], hedge: { max_extra_percent: 5 } }\n"));
  EXPECT_THAT(errors, Contains(HasSubstr("routes.smart.hedge: set exactly one of after_ms")));
}

TEST(ExecutionConfig, HedgeOnOneDeploymentIsAnError) {
  const auto errors = errorLines(load("routes:\n  smart: { use: [mini], hedge: { after_ms: 100 } }\n"));
  EXPECT_THAT(errors, Contains(HasSubstr("routes.smart.hedge: needs at least two deployments")));
}

TEST(ExecutionConfig, JudgeModeNeedsAKnownJudge) {
  EXPECT_THAT(errorLines(load("routes:\n  smart: { use: [mini, large], fan_out: { mode: judge } }\n")),
              Contains(HasSubstr("routes.smart.fan_out.judge: missing")));
  EXPECT_THAT(errorLines(load("routes:\n  smart: { use: [mini, large], fan_out: { mode: judge, judge: gpt9 } }\n")),
              Contains(HasSubstr("routes.smart.fan_out.judge: unknown deployment \"gpt9\"")));
}

TEST(ExecutionConfig, QueueWithoutConcurrencyLimitIsAnError) {
  const auto result = loadConfigText(R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1" }
models:
  mini: { provider: sim, limits: { max_queue: 4 } }
)", "test.yaml", fakeEnvironment());
  EXPECT_THAT(errorLines(result), Contains(HasSubstr("models.mini.limits.max_queue: only applies with max_concurrent")));
}

TEST(ExecutionConfig, ProxyMustBeAPlainHttpAddress) {
  const auto result = loadConfigText(R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1", proxy: "https://proxy.internal:3128" }
models:
  mini: { provider: sim }
)", "test.yaml", fakeEnvironment());
  EXPECT_THAT(errorLines(result), Contains(HasSubstr("providers.sim.proxy: expected an http://host:port proxy")));
}

TEST(ExecutionConfig, ClientCertificateNeedsItsKey) {
  const auto result = loadConfigText(R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1", client_cert_file: "/etc/hostname" }
models:
  mini: { provider: sim }
)", "test.yaml", fakeEnvironment());
  EXPECT_THAT(errorLines(result), Contains(HasSubstr("providers.sim.client_key_file: missing")));
}

}  // namespace
}  // namespace pointsman::config
