#include <pointsman/analyze/token_estimator.hpp>

#include <gtest/gtest.h>

#include <string>

namespace pointsman::analyze {
namespace {

TEST(TokenEstimator, CountsShortWordsAsOneToken) {
  EXPECT_EQ(estimateTokens(""), 0);
  EXPECT_EQ(estimateTokens("Hello"), 1);
  EXPECT_EQ(estimateTokens("Name three railway signals"), 4);
}

TEST(TokenEstimator, SplitsLongWordsAndNumbers) {
  // 20 letters: one token for the first 8, then one per 4 letters after them.
  EXPECT_EQ(estimateTokens("internationalization"), 4);
  EXPECT_EQ(estimateTokens("1234567"), 3);  // digit groups of up to 3
}

TEST(TokenEstimator, CountsCjkCharactersOneEach) {
  EXPECT_EQ(estimateTokens("今日は暑い"), 5);
}

TEST(TokenEstimator, GrowsLinearlyWithText) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "The quick brown fox jumps over the lazy dog. ";
  const auto tokens = estimateTokens(text);
  // A tokenizer such as cl100k gives 10 tokens per sentence: 9 words and the period.
  EXPECT_GE(tokens, 9500);
  EXPECT_LE(tokens, 10500);
}

TEST(TokenEstimator, AddsMessageAndReplyOverhead) {
  ChatRequest request;
  request.messages.push_back({MessageRole::System, "Be brief"});
  request.messages.push_back({MessageRole::User, "Hello"});
  EXPECT_EQ(estimatePromptTokens(request), kTokensPerReply + 2 * kTokensPerMessage + 2 + 1);

  request.tool_definitions = R"({"type":"function"})";
  EXPECT_GT(estimatePromptTokens(request), kTokensPerReply + 2 * kTokensPerMessage + 3);
}

}  // namespace
}  // namespace pointsman::analyze
