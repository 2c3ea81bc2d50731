#include <pointsman/api/json_splice.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace pointsman::api {
namespace {

std::optional<std::string> replaceModel(std::string_view body, std::string_view replacement = "gpt-4o-2024-08-06") {
  return replaceTopLevelString(body, "model", replacement);
}

TEST(JsonSplice, ReplacesCompactModel) {
  const auto result = replaceModel(R"({"model":"fast","stream":true})");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, R"({"model":"gpt-4o-2024-08-06","stream":true})");
}

TEST(JsonSplice, KeepsPrettyPrintedLayout) {
  const std::string body =
      "{\n"
      "  \"messages\": [\n"
      "    {\"role\": \"user\", \"content\": \"hi\"}\n"
      "  ],\n"
      "  \"model\" :\t\"fast\",\n"
      "  \"temperature\": 0.5\n"
      "}\n";
  const std::string expected =
      "{\n"
      "  \"messages\": [\n"
      "    {\"role\": \"user\", \"content\": \"hi\"}\n"
      "  ],\n"
      "  \"model\" :\t\"gpt-4o-2024-08-06\",\n"
      "  \"temperature\": 0.5\n"
      "}\n";

  const auto result = replaceModel(body);

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, expected);
}

TEST(JsonSplice, KeepsUnicodeInOtherStrings) {
  const auto result = replaceModel("{\"user\":\"Jos\xC3\xA9 \\u00e9 \xF0\x9F\x98\x80\",\"model\":\"fast\"}");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, "{\"user\":\"Jos\xC3\xA9 \\u00e9 \xF0\x9F\x98\x80\",\"model\":\"gpt-4o-2024-08-06\"}");
}

TEST(JsonSplice, SkipsEscapedQuotesInOtherStrings) {
  // The first string contains the text `"model":"trap"` and ends in an escaped backslash.
  const std::string body = R"({"note":"say \"model\":\"trap\" \\","model":"fast"})";

  const auto result = replaceModel(body);

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, R"({"note":"say \"model\":\"trap\" \\","model":"gpt-4o-2024-08-06"})");
}

TEST(JsonSplice, IgnoresNestedModelBeforeTopLevel) {
  const auto result = replaceModel(R"({"metadata":{"model":"nested"},"model":"fast"})");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, R"({"metadata":{"model":"nested"},"model":"gpt-4o-2024-08-06"})");
}

TEST(JsonSplice, IgnoresNestedModelAfterTopLevel) {
  const auto result = replaceModel(R"({"model":"fast","metadata":{"model":"nested"}})");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, R"({"model":"gpt-4o-2024-08-06","metadata":{"model":"nested"}})");
}

TEST(JsonSplice, IgnoresModelInsideArrayOfObjects) {
  const auto result =
      replaceModel(R"({"tools":[{"model":"a"},{"x":1,"model":"b"}],"model":"fast","extra":[{"model":"c"}]})");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result,
            R"({"tools":[{"model":"a"},{"x":1,"model":"b"}],"model":"gpt-4o-2024-08-06","extra":[{"model":"c"}]})");
}

TEST(JsonSplice, IgnoresStringValueSpelledModel) {
  const auto result = replaceModel(R"({"name":"model","model":"fast"})");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, R"({"name":"model","model":"gpt-4o-2024-08-06"})");
}

TEST(JsonSplice, KeepsNumberSpellingsAndKeyOrder) {
  const std::string body = R"({"z":10,"max_tokens":10,"temperature":2.5,"top_p":1e3,"n":-0.0,"model":"fast","a":1E-2})";

  const auto result = replaceModel(body);

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, R"({"z":10,"max_tokens":10,"temperature":2.5,"top_p":1e3,"n":-0.0,"model":"gpt-4o-2024-08-06","a":1E-2})");
}

TEST(JsonSplice, EscapesQuotesAndBackslashesInReplacement) {
  const auto result = replaceModel(R"({"model":"fast"})", R"(a"b\c)");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, R"({"model":"a\"b\\c"})");
  EXPECT_EQ(nlohmann::json::parse(*result).at("model"), R"(a"b\c)");
}

TEST(JsonSplice, EscapesControlCharactersInReplacement) {
  const auto result = replaceModel(R"({"model":"fast"})", "a\nb");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, R"({"model":"a\nb"})");
}

TEST(JsonSplice, ReplacesModelWithEscapesInOldValue) {
  const auto result = replaceModel(R"({"model":"fa\"st\\"})");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, R"({"model":"gpt-4o-2024-08-06"})");
}

TEST(JsonSplice, AllowsLeadingWhitespace) {
  const auto result = replaceModel(" \r\n\t{\"model\":\"fast\"}");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, " \r\n\t{\"model\":\"gpt-4o-2024-08-06\"}");
}

TEST(JsonSplice, FindsKeyWrittenWithUnicodeEscape) {
  // `mod\u0065l` is the key "model" to every JSON parser, so request validation and routing see
  // it. When the splice misses it, the upstream receives the client's route name.
  const auto result = replaceModel(R"({"mod\u0065l":"fast"})");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(nlohmann::json::parse(*result).at("model"), "gpt-4o-2024-08-06");
}

TEST(JsonSplice, RejectsBodiesWithoutStringModel) {
  const struct {
    const char* name;
    const char* body;
  } cases[] = {
      {"array top", R"([{"model":"fast"}])"},
      {"string top", R"("model")"},
      {"null top", "null"},
      {"number top", "42"},
      {"empty body", ""},
      {"whitespace only", " \n "},
      {"empty object", "{}"},
      {"missing key", R"({"messages":[],"stream":true})"},
      {"key only nested", R"({"metadata":{"model":"fast"}})"},
      {"number value", R"({"model":5})"},
      {"null value", R"({"model":null})"},
      {"object value", R"({"model":{"name":"fast"}})"},
      {"array value", R"({"model":["fast"]})"},
      {"cut before key", R"({"messages":[{"role":"user")"},
      {"cut inside key", R"({"mod)"},
      {"cut after colon", R"({"model":)"},
      {"cut inside value", R"({"model":"fa)"},
  };

  for (const auto& test_case : cases) {
    EXPECT_FALSE(replaceModel(test_case.body).has_value()) << test_case.name << ": " << test_case.body;
  }
}

}  // namespace
}  // namespace pointsman::api
