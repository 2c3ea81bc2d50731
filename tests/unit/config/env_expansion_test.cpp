#include "config/env_expansion.hpp"

#include "unit/config/loader_test_support.hpp"

#include <gtest/gtest.h>

namespace pointsman::config {
namespace {

using testing::fakeEnvironment;

const EnvironmentLookup kEnvironment =
    fakeEnvironment({{"HOST", "example.com"}, {"PORT", "9000"}, {"EMPTY", ""}});

TEST(EnvExpansion, TextWithoutReferencesIsUnchanged) {
  const Expansion result = expandVariables("plain text: a-b_c {x}", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "plain text: a-b_c {x}");
  EXPECT_TRUE(result.variables.empty());
}

TEST(EnvExpansion, SetVariableIsSubstituted) {
  const Expansion result = expandVariables("https://${HOST}:${PORT}/v1", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "https://example.com:9000/v1");
  EXPECT_EQ(result.variables, (std::vector<std::string>{"HOST", "PORT"}));
}

TEST(EnvExpansion, DefaultUsedWhenUnset) {
  const Expansion result = expandVariables("${MISSING:-8080}", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "8080");
  EXPECT_EQ(result.variables, (std::vector<std::string>{"MISSING"}));
}

TEST(EnvExpansion, DefaultUsedWhenEmpty) {
  const Expansion result = expandVariables("${EMPTY:-fallback}", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "fallback");
}

TEST(EnvExpansion, DefaultIgnoredWhenSet) {
  const Expansion result = expandVariables("${PORT:-1}", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "9000");
}

TEST(EnvExpansion, EmptyDefaultGivesEmptyText) {
  const Expansion result = expandVariables("${OPENAI_API_KEY:-}", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "");
}

TEST(EnvExpansion, SetButEmptyVariableWithoutDefaultIsEmpty) {
  const Expansion result = expandVariables("[${EMPTY}]", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "[]");
}

TEST(EnvExpansion, DoubleDollarIsLiteralDollar) {
  const Expansion result = expandVariables("price $$5 and $${HOST}", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "price $5 and ${HOST}");
  EXPECT_TRUE(result.variables.empty());
}

TEST(EnvExpansion, LoneDollarStaysLiteral) {
  const Expansion result = expandVariables("a$b $ c$", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "a$b $ c$");
}

TEST(EnvExpansion, UnsetVariableWithoutDefaultIsError) {
  const Expansion result = expandVariables("${OPENAI_API_KEY}", kEnvironment);
  EXPECT_EQ(result.error,
            "environment variable OPENAI_API_KEY is not set; set it or write ${OPENAI_API_KEY:-}");
}

TEST(EnvExpansion, UnterminatedReferenceIsError) {
  const Expansion result = expandVariables("abc${HOST", kEnvironment);
  EXPECT_EQ(result.error,
            "unterminated \"${\" at character 4; close it with \"}\" or write \"$$\" for a "
            "literal \"$\"");
}

TEST(EnvExpansion, InvalidNamesAreErrors) {
  for (const char* text : {"${}", "${1ABC}", "${A-B}", "${A:?message}", "${ A}"}) {
    const Expansion result = expandVariables(text, kEnvironment);
    EXPECT_FALSE(result.ok()) << text;
    EXPECT_NE(result.error.find("invalid reference"), std::string::npos) << result.error;
  }
}

TEST(EnvExpansion, DefaultMayContainColonsAndSlashes) {
  const Expansion result = expandVariables("${URL:-http://localhost:8000/v1}", kEnvironment);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "http://localhost:8000/v1");
}

}  // namespace
}  // namespace pointsman::config
