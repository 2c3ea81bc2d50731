#include "sim/answer_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pointsman::sim {
namespace {

std::string joinTokens(std::string_view model, int count) {
  std::string text;
  const auto seed = answerSeed(model);
  for (int i = 0; i < count; ++i) {
    text += answerToken(seed, i, count);
  }
  return text;
}

TEST(AnswerTextTest, SeedIsFnv1aOfModelName) {
  // FNV-1a of the empty string is the offset basis, and of "a" a published test vector.
  EXPECT_EQ(answerSeed(""), 14695981039346656037ULL);
  EXPECT_EQ(answerSeed("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(AnswerTextTest, LastTokenHasNoTrailingSpace) {
  const auto seed = answerSeed("sim-mini");
  EXPECT_EQ(answerToken(seed, 0, 2).back(), ' ');
  EXPECT_NE(answerToken(seed, 1, 2).back(), ' ');
}

TEST(AnswerTextTest, TextDependsOnModelAndLengthOnly) {
  const auto text = joinTokens("sim-mini", 12);
  EXPECT_EQ(text, joinTokens("sim-mini", 12));
  EXPECT_NE(text, joinTokens("sim-large", 12));

  std::size_t spaces = 0;
  for (const char c : text) {
    spaces += c == ' ' ? 1 : 0;
  }
  EXPECT_EQ(spaces, 11U);
  EXPECT_NE(text.back(), ' ');
}

TEST(AnswerTextTest, ShorterAnswerIsPrefixOfLonger) {
  const auto shortText = joinTokens("m", 5);
  const auto longText = joinTokens("m", 9);
  EXPECT_EQ(longText.substr(0, shortText.size()), shortText);
}

TEST(AnswerTextTest, EstimateRoundsUpPerFourBytes) {
  EXPECT_EQ(estimateTokens(0), 0);
  EXPECT_EQ(estimateTokens(1), 1);
  EXPECT_EQ(estimateTokens(4), 1);
  EXPECT_EQ(estimateTokens(5), 2);
}

}  // namespace
}  // namespace pointsman::sim
