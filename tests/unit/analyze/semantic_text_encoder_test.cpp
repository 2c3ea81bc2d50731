#include <pointsman/analyze/semantic_text_encoder.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace pointsman::analyze {
namespace {

TEST(TextEncoder, IdenticalTextsHaveCosineOne) {
  const TextEncoder encoder;
  const auto left = encoder.encode("Book a table for two at eight");
  const auto right = encoder.encode("book a TABLE for two, at eight!");
  EXPECT_NEAR(cosineSimilarity(left, right), 1.0, 1e-6);
}

TEST(TextEncoder, UnrelatedTextsAreFarApart) {
  const TextEncoder encoder;
  const auto left = encoder.encode("transfer money to my savings account");
  const auto right = encoder.encode("what is the weather in paris tomorrow");
  EXPECT_LT(cosineSimilarity(left, right), 0.2);
}

TEST(TextEncoder, SharedWordsRaiseSimilarity) {
  const TextEncoder encoder;
  const auto query = encoder.encode("transfer money to savings");
  const auto near = encoder.encode("please transfer money to my savings account");
  const auto far = encoder.encode("play some jazz music");
  EXPECT_GT(cosineSimilarity(query, near), cosineSimilarity(query, far) + 0.3);
}

TEST(TextEncoder, EncodingIsUnitLength) {
  const TextEncoder encoder;
  const auto vector = encoder.encode("The quick brown fox jumps over the lazy dog.");
  double norm = 0;
  for (const auto value : vector.values) norm += static_cast<double>(value) * value;
  EXPECT_NEAR(norm, 1.0, 1e-5);
}

TEST(TextEncoder, PunctuationOnlyTextIsEmpty) {
  const TextEncoder encoder;
  EXPECT_TRUE(encoder.encode("").empty());
  EXPECT_TRUE(encoder.encode(" ?! ... -- ").empty());
}

TEST(TextEncoder, FitGivesRareWordsMoreWeight) {
  TextEncoder encoder({.dimension_bits = 16, .word_bigrams = false, .char_ngram_min = 0, .char_ngram_max = 0});
  const std::vector<std::string> corpus{"the cat", "the dog", "the bird", "the fish"};
  encoder.fit(corpus);
  const auto vector = encoder.encode("the cat");
  ASSERT_EQ(vector.size(), 2U);
  const auto the_weight = encoder.encode("the").values.at(0);
  EXPECT_FLOAT_EQ(the_weight, 1.0F);
  // "cat" (df 1) outweighs "the" (df 4) inside the same vector.
  const float larger = std::max(vector.values[0], vector.values[1]);
  const float smaller = std::min(vector.values[0], vector.values[1]);
  EXPECT_GT(larger, smaller * 1.5F);
}

TEST(TextEncoder, JsonRoundTripKeepsEncoding) {
  TextEncoder encoder({.dimension_bits = 12});
  const std::vector<std::string> corpus{"reset my pin", "what is my balance", "freeze my card now"};
  encoder.fit(corpus);
  const auto restored = TextEncoder::fromJson(encoder.toJson());
  const auto original = encoder.encode("freeze my pin");
  const auto copy = restored.encode("freeze my pin");
  ASSERT_EQ(original.indices, copy.indices);
  for (std::size_t i = 0; i < original.size(); ++i) EXPECT_NEAR(original.values[i], copy.values[i], 1e-4);
}

TEST(TextEncoder, InvalidDimensionIsRejected) {
  EXPECT_THROW(TextEncoder({.dimension_bits = 30}), std::runtime_error);
  EXPECT_THROW(TextEncoder({.dimension_bits = 16, .char_ngram_min = 5, .char_ngram_max = 3}), std::runtime_error);
}

TEST(TextEncoder, IdfOutsideDimensionIsRejected) {
  auto json = TextEncoder({.dimension_bits = 8}).toJson();
  json["idf"]["bucket"] = {300};
  json["idf"]["value"] = {2.0};
  EXPECT_THROW(TextEncoder::fromJson(json), std::runtime_error);
}

}  // namespace
}  // namespace pointsman::analyze
