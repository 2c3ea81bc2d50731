#include <pointsman/analyze/token_estimator.hpp>

#include "analyze/token_estimate_paths.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

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

// The estimator prices 64 bytes at a time and carries open runs from one block to the next. A
// prefix of spaces moves each run across the block edges. The prefix costs 1 token from 2 spaces.
TEST(TokenEstimator, PricesRunsAcrossBlockEdges) {
  struct Run {
    std::string name;
    std::string unit;
    std::size_t (*quarters)(std::size_t length);
  };
  const std::vector<Run> runs = {
      {"letters", "a", [](std::size_t n) -> std::size_t { return 4 + (n > 8 ? n - 8 : 0); }},
      {"digits", "7", [](std::size_t n) -> std::size_t { return 4 * ((n + 2) / 3); }},
      {"punctuation", "*", [](std::size_t n) -> std::size_t { return 4 + (n - 1) / 2; }},
      {"accented letters", "\xC3\xA9", [](std::size_t n) -> std::size_t { return 2 * n; }},
  };
  for (const auto& run : runs) {
    for (std::size_t prefix = 0; prefix <= 70; ++prefix) {
      for (std::size_t length = 1; length <= 140; length += 3) {
        std::string text(prefix, ' ');
        for (std::size_t i = 0; i < length; ++i) text += run.unit;
        const std::size_t quarters = (prefix > 1 ? 4 : 0) + run.quarters(length);
        ASSERT_EQ(estimateTokens(text), static_cast<std::int64_t>((quarters + 3) / 4))
            << run.name << ": " << prefix << " spaces, then " << length;
      }
    }
  }
}

TEST(TokenEstimator, PricesLineBreakRunsAcrossBlockEdges) {
  // A line break run takes the spaces and line breaks after it and costs half a token, however
  // long: "x", the run and "y" are 4 + 2 + 4 quarters.
  for (std::size_t spaces = 0; spaces <= 140; ++spaces) {
    const std::string text = "x\n" + std::string(spaces, ' ') + "\n\r\t y";
    EXPECT_EQ(estimateTokens(text), 3) << spaces << " spaces";
  }
}

TEST(TokenEstimator, AddsMessageAndReplyOverhead) {
  ChatRequest request;
  request.messages.push_back({MessageRole::System, "Be brief"});
  request.messages.push_back({MessageRole::User, "Hello"});
  EXPECT_EQ(estimatePromptTokens(request), kTokensPerReply + 2 * kTokensPerMessage + 2 + 1);

  request.tool_definitions = R"({"type":"function"})";
  EXPECT_GT(estimatePromptTokens(request), kTokensPerReply + 2 * kTokensPerMessage + 3);
}

TEST(TokenEstimator, Avx2PathMatchesBaselineOnRandomText) {
  if (!tokenEstimatePathSupported(TokenEstimatePath::Avx2)) GTEST_SKIP() << "the CPU has no AVX2";
  // Runs of every byte class the estimate prices, so that runs cross the 64-byte blocks.
  const std::vector<std::string> pieces = {"a", "Z", "word", "internationalization", "7", "1234567", " ", "    ",
                                           "\n", "\r\n", "\t", ".", "**", "{{", "-", "\xC3\xA9", "\xE6\x97\xA5",
                                           "\xF0\x9F\x98\x80", "\x80", "\xFF"};
  std::mt19937 random(20261205);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<std::size_t> size(0, 600);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const std::size_t target = size(random);
    while (text.size() < target) text += pieces[pick(random)];
    const auto baseline = estimateTokensWith(TokenEstimatePath::Baseline, text);
    EXPECT_EQ(estimateTokensWith(TokenEstimatePath::Avx2, text), baseline) << text.size() << " bytes";
  }
}

TEST(TokenEstimator, Avx2PathMatchesBaselineOnShippedText) {
  if (!tokenEstimatePathSupported(TokenEstimatePath::Avx2)) GTEST_SKIP() << "the CPU has no AVX2";
  const auto models = std::filesystem::path(__FILE__).parent_path() / "../../../models";
  for (const auto& file : {models / "task_data/handwritten.tsv", models / "person_names.tsv"}) {
    std::ifstream in(file, std::ios::binary);
    ASSERT_TRUE(in) << file;
    std::stringstream stream;
    stream << in.rdbuf();
    const std::string text = stream.str();
    // Every start offset shifts the block edges across the text.
    for (std::size_t offset = 0; offset < 64; ++offset) {
      const std::string_view part = std::string_view(text).substr(offset, 5000);
      const auto baseline = estimateTokensWith(TokenEstimatePath::Baseline, part);
      EXPECT_EQ(estimateTokensWith(TokenEstimatePath::Avx2, part), baseline) << file << " at " << offset;
    }
  }
}

}  // namespace
}  // namespace pointsman::analyze
