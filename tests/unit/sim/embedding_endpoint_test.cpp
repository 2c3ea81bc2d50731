#include "sim/embedding_endpoint.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pointsman::sim {
namespace {

double cosine(const std::vector<float>& left, const std::vector<float>& right) {
  double product = 0;
  for (std::size_t i = 0; i < left.size(); ++i) product += static_cast<double>(left[i]) * right[i];
  return product;  // Both vectors have unit length.
}

TEST(EmbedText, SplitsLowercaseWords) {
  EXPECT_EQ(embeddingWords("Fix THIS bug, v2!"), (std::vector<std::string>{"fix", "this", "bug", "v2"}));
  EXPECT_TRUE(embeddingWords(" ,.; ").empty());
}

TEST(EmbedText, SameWordsGiveSameVector) {
  EXPECT_EQ(embedText("Fix this bug", 64), embedText("fix, this BUG", 64));
}

TEST(EmbedText, SharedWordsGiveHigherSimilarity) {
  const auto request = embedText("please fix the bug in my python code", 256);
  const auto related = embedText("fix the bug in this python function", 256);
  const auto unrelated = embedText("write a poem about autumn leaves", 256);
  EXPECT_GT(cosine(request, related), 0.5);
  EXPECT_LT(cosine(request, unrelated), 0.3);
}

TEST(EmbedText, TextWithoutWordsStillGetsUnitVector) {
  const auto vector = embedText("?!", 16);
  EXPECT_NEAR(cosine(vector, vector), 1.0, 1e-5);
  EXPECT_NE(vector, embedText("...", 16));
}

}  // namespace
}  // namespace pointsman::sim
