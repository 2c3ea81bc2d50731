#include "unit/config/loader_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pointsman::config {
namespace {

using ::testing::ElementsAre;
using testing::errorLines;
using testing::fakeEnvironment;

LoadResult loadWithKeys(const std::string& provider_fields, std::map<std::string, std::string> variables = {}) {
  const std::string yaml = "providers:\n  openai: { type: openai, base_url: \"https://api.openai.com/v1\", " +
                           provider_fields + " }\nmodels:\n  mini: { provider: openai }\n";
  return loadConfigText(yaml, "test.yaml", fakeEnvironment(std::move(variables)));
}

TEST(KeyPoolConfig, ReadsKeysAndWeights) {
  const auto result = loadWithKeys("api_keys: [{ key: \"${K1}\", weight: 3 }, { key: \"${K2}\" }]",
                                   {{"K1", "sk-one"}, {"K2", "sk-two"}});

  ASSERT_TRUE(result.ok()) << errorLines(result).front();
  const auto& provider = result.config->providers.at("openai");
  ASSERT_EQ(provider.api_keys.size(), 2u);
  EXPECT_EQ(provider.api_keys[0].key.reveal(), "sk-one");
  EXPECT_DOUBLE_EQ(provider.api_keys[0].weight, 3.0);
  EXPECT_DOUBLE_EQ(provider.api_keys[1].weight, 1.0);
  EXPECT_TRUE(provider.enabled);
}

TEST(KeyPoolConfig, EmptyKeysAreLeftOut) {
  const auto result = loadWithKeys("api_keys: [{ key: \"${K1:-}\" }, { key: \"${K2}\" }]", {{"K2", "sk-two"}});

  ASSERT_TRUE(result.ok());
  const auto& provider = result.config->providers.at("openai");
  ASSERT_EQ(provider.api_keys.size(), 1u);
  EXPECT_EQ(provider.api_keys[0].key.reveal(), "sk-two");
}

TEST(KeyPoolConfig, AllKeysEmptyDisablesProvider) {
  const auto result = loadWithKeys("api_keys: [{ key: \"${K1:-}\" }]");

  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result.config->providers.at("openai").enabled);
  ASSERT_FALSE(result.warnings.empty());
  EXPECT_NE(result.warnings.front().find("disabled"), std::string::npos) << result.warnings.front();
}

TEST(KeyPoolConfig, ConflictsAndBadEntriesAreErrors) {
  EXPECT_THAT(errorLines(loadWithKeys("api_key: x, api_keys: [{ key: y }]")),
              ElementsAre("providers.openai.api_keys: cannot be used together with api_key or api_key_file; "
                          "set only one of them"));
  EXPECT_THAT(errorLines(loadWithKeys("api_keys: []")),
              ElementsAre("providers.openai.api_keys: expected a non-empty list of { key, weight } entries"));
  EXPECT_THAT(errorLines(loadWithKeys("api_keys: [{ weight: 2 }]")),
              ElementsAre("providers.openai.api_keys[0].key: missing; give the API key, usually as "
                          "\"${VARIABLE}\""));
  const auto negative = errorLines(loadWithKeys("api_keys: [{ key: k, weight: -1 }]"));
  ASSERT_EQ(negative.size(), 1u);
  EXPECT_EQ(negative.front().rfind("providers.openai.api_keys[0].weight:", 0), 0u) << negative.front();
}

}  // namespace
}  // namespace pointsman::config
