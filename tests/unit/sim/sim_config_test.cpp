#include "sim/sim_config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace pointsman::sim {
namespace {

std::string loadError(std::string_view yaml) {
  SimConfig config;
  try {
    loadSimConfigText(yaml, "test.yaml", config);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return {};
}

TEST(SimConfigTest, ModelsInheritFileDefaults) {
  SimConfig config;
  config.defaults.answerTokens = 5;
  loadSimConfigText(R"(
models:
  sim-mini: { ttft_ms: 150, tokens_per_second: 80 }
  sim-flaky: { fault: "status=503;retry_after=1" }
  sim-embed: {}
defaults: { ttft_ms: 20, answer_tokens: 48 }
)",
                    "test.yaml", config);

  EXPECT_EQ(config.defaults.ttftMs, 20);
  EXPECT_EQ(config.profileFor("sim-mini").ttftMs, 150);
  EXPECT_DOUBLE_EQ(config.profileFor("sim-mini").tokensPerSecond, 80);
  EXPECT_EQ(config.profileFor("sim-mini").answerTokens, 48);
  EXPECT_EQ(config.profileFor("sim-flaky").fault, "status=503;retry_after=1");
  EXPECT_EQ(config.profileFor("sim-embed").ttftMs, 20);
  EXPECT_EQ(config.profileFor("not-configured").answerTokens, 48);
  EXPECT_EQ(config.models.size(), 3U);
}

TEST(SimConfigTest, EmptyFileKeepsDefaults) {
  SimConfig config;
  loadSimConfigText("", "test.yaml", config);
  EXPECT_EQ(config.defaults.answerTokens, 16);
  EXPECT_TRUE(config.models.empty());
}

TEST(SimConfigTest, RejectsUnknownKeys) {
  EXPECT_NE(loadError("listen: 1").find("unknown key"), std::string::npos);
  EXPECT_NE(loadError("models: { m: { ttft: 3 } }").find("models.m.ttft"), std::string::npos);
  EXPECT_NE(loadError("defaults: { colour: red }").find("defaults.colour"), std::string::npos);
}

TEST(SimConfigTest, RejectsInvalidValues) {
  EXPECT_NE(loadError("defaults: { ttft_ms: soon }").find("ttft_ms"), std::string::npos);
  EXPECT_NE(loadError("defaults: { answer_tokens: 0 }").find("answer_tokens"), std::string::npos);
  EXPECT_NE(loadError("models: { m: { fault: 'boom' } }").find("unknown fault item"),
            std::string::npos);
  EXPECT_NE(loadError("models: { m: { fault: 'percent=80;reset|percent=30;status=500' } }").find("add up to 110"),
            std::string::npos);
  EXPECT_NE(loadError("models: [a, b]").find("models"), std::string::npos);
  EXPECT_NE(loadError("defaults: {").find("test.yaml"), std::string::npos);
}

}  // namespace
}  // namespace pointsman::sim
