// Reading the fields admission needs, and asking the upstream for usage.

#include <pointsman/accounting/request_facts.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pointsman::accounting {
namespace {

/// Returns the facts of `body` as the request path builds them: api::parseRequest, then factsOf.
/// A body that parseRequest rejects gives only the byte estimate.
RequestFacts readRequestFacts(std::string_view body) {
  const auto parsed = api::parseRequest(api::Endpoint::Passthrough, body);
  const auto* view = std::get_if<api::RequestView>(&parsed);
  return factsOf(view ? *view : api::RequestView{}, body.size());
}

TEST(RequestFacts, MaxCompletionTokensWinsOverMaxTokens) {
  const auto facts = readRequestFacts(R"({"model":"m","max_tokens":10,"max_completion_tokens":20})");
  ASSERT_TRUE(facts.max_output_tokens);
  EXPECT_EQ(*facts.max_output_tokens, 20);
  EXPECT_EQ(*readRequestFacts(R"({"model":"m","max_tokens":10})").max_output_tokens, 10);
  EXPECT_FALSE(readRequestFacts(R"({"model":"m"})").max_output_tokens);
}

TEST(RequestFacts, ReadsIncludeUsageAndUser) {
  const auto facts = readRequestFacts(R"({"model":"m","stream_options":{"include_usage":true},"user":"u-1"})");
  EXPECT_TRUE(facts.has_stream_options);
  EXPECT_TRUE(facts.include_usage);
  EXPECT_EQ(facts.user, "u-1");
  const auto other = readRequestFacts(R"({"model":"m","stream_options":{}})");
  EXPECT_TRUE(other.has_stream_options);
  EXPECT_FALSE(other.include_usage);
}

TEST(RequestFacts, PromptEstimateIsBytesOverFourRoundedUp) {
  EXPECT_EQ(readRequestFacts("{}").estimated_prompt_tokens, 1);
  EXPECT_EQ(readRequestFacts(std::string(401, ' ')).estimated_prompt_tokens, 101);
}

TEST(WithIncludeUsage, AddsStreamOptionsKeepingBytes) {
  const std::string body = R"({"model":"m","stream":true,"n":1.0})";
  const auto rewritten = withIncludeUsage(body, readRequestFacts(body));
  EXPECT_EQ(rewritten, R"({"stream_options":{"include_usage":true},"model":"m","stream":true,"n":1.0})");
}

TEST(WithIncludeUsage, SetsFlagInsideClientStreamOptions) {
  const std::string body = R"({"model":"m","stream":true,"stream_options":{"include_usage":false}})";
  const auto parsed = nlohmann::json::parse(withIncludeUsage(body, readRequestFacts(body)));
  EXPECT_EQ(parsed["stream_options"]["include_usage"], true);
  EXPECT_EQ(parsed["model"], "m");
}

TEST(WithIncludeUsage, EmptyObjectGetsNoTrailingComma) {
  EXPECT_EQ(withIncludeUsage("{ }", readRequestFacts("{ }")), R"({"stream_options":{"include_usage":true} })");
}

}  // namespace
}  // namespace pointsman::accounting
