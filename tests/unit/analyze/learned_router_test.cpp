#include <pointsman/analyze/learned_router.hpp>

#include "analyze/learned/prompt_length_counts.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace pointsman::analyze {
namespace {

const std::filesystem::path kShippedModel =
    std::filesystem::path(__FILE__).parent_path() / "../../../models/learned-router.json";

/// Prompts asking for proofs are labelled "needs strong"; greetings are not.
void trainingSet(std::vector<std::string>& prompts, std::vector<double>& labels) {
  const std::vector<std::string> hard{"prove that the square root of two is irrational",
                                      "prove the sum of two even numbers is even with a rigorous proof",
                                      "give a formal proof of the pigeonhole principle",
                                      "prove by induction that n squared is at least n"};
  const std::vector<std::string> easy{"hello there", "say hi to my friend", "hello, how are you today",
                                      "greet the team with a short hello"};
  for (const auto& prompt : hard) {
    prompts.push_back(prompt);
    labels.push_back(1);
  }
  for (const auto& prompt : easy) {
    prompts.push_back(prompt);
    labels.push_back(0);
  }
}

TEST(LearnedRouter, ScoresHardPromptAboveEasyPrompt) {
  std::vector<std::string> prompts;
  std::vector<double> labels;
  trainingSet(prompts, labels);
  const auto router = LearnedRouter::train(prompts, labels, {});
  const double hard = router.score("prove that there are infinitely many primes");
  const double easy = router.score("hello my friend");
  EXPECT_GT(hard, 0.6);
  EXPECT_LT(easy, 0.4);
}

TEST(LearnedRouter, TrainingIsDeterministic) {
  std::vector<std::string> prompts;
  std::vector<double> labels;
  trainingSet(prompts, labels);
  const auto first = LearnedRouter::train(prompts, labels, {});
  const auto second = LearnedRouter::train(prompts, labels, {});
  EXPECT_EQ(first.score("prove it"), second.score("prove it"));
  EXPECT_EQ(first.toJson().dump(), second.toJson().dump());
}

TEST(LearnedRouter, JsonRoundTripKeepsScores) {
  std::vector<std::string> prompts;
  std::vector<double> labels;
  trainingSet(prompts, labels);
  const auto router = LearnedRouter::train(prompts, labels, {});
  const auto restored = LearnedRouter::fromJson(nlohmann::json::parse(router.toJson().dump()));
  for (const std::string prompt : {"prove the lemma", "hello", "write a haiku about rain"}) {
    EXPECT_NEAR(restored.score(prompt), router.score(prompt), 1e-4) << prompt;
  }
}

TEST(LearnedRouter, ShippedModelLoadsAndScoresInRange) {
  const auto router = LearnedRouter::load(kShippedModel);
  const double score = router.score("Write a detailed proof of the fundamental theorem of algebra.");
  EXPECT_GE(score, 0.0);
  EXPECT_LE(score, 1.0);
  EXPECT_EQ(score, router.score("Write a detailed proof of the fundamental theorem of algebra."));
}

TEST(LearnedRouter, WrongFormatIsRejected) {
  EXPECT_THROW(LearnedRouter::fromJson(nlohmann::json{{"format", "something-else"}}), std::runtime_error);
  EXPECT_THROW(LearnedRouter::load("/nonexistent/learned-router.json"), std::runtime_error);
}

TEST(LearnedRouter, LengthFeaturesCountWordsAndLines) {
  const auto features = promptLengthFeatures("two words\nthen three more");
  EXPECT_NEAR(features[0], std::log1p(25.0), 1e-9);
  EXPECT_NEAR(features[1], std::log1p(5.0), 1e-9);
  EXPECT_NEAR(features[2], std::log1p(2.0), 1e-9);
  EXPECT_NEAR(features[3], 0.0, 1e-9);
}

// Checks that the AVX2 reader, where the CPU has it, counts `text` as the baseline reader does.
void expectLengthReadersAgree(std::string_view text) {
  const auto baseline = length::countPromptLengths(text, length::LengthReader::Baseline);
  const auto avx2 = length::countPromptLengths(text, length::LengthReader::Avx2);
  EXPECT_EQ(avx2.words, baseline.words) << text.size() << " bytes";
  EXPECT_EQ(avx2.lines, baseline.lines) << text.size() << " bytes";
  EXPECT_EQ(avx2.symbols, baseline.symbols) << text.size() << " bytes";
}

TEST(LearnedRouter, LengthReadersAgreeOnRandomText) {
  if (!length::lengthReaderSupported(length::LengthReader::Avx2)) GTEST_SKIP() << "the CPU has no AVX2";
  // Bytes of every class the counts tell apart, at sizes around the 64-byte blocks.
  const std::string alphabet = std::string("aZ09_ .,\t\n\v\f\r-{") + "\x7F\x80\xC3\xFF";
  std::mt19937 random(20261205);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<std::size_t> size(0, 300);
  for (int i = 0; i < 3000; ++i) {
    std::string text(size(random), ' ');
    for (char& c : text) c = alphabet[pick(random)];
    expectLengthReadersAgree(text);
  }
}

TEST(LearnedRouter, LengthReadersAgreeOnShippedText) {
  if (!length::lengthReaderSupported(length::LengthReader::Avx2)) GTEST_SKIP() << "the CPU has no AVX2";
  const auto models = std::filesystem::path(__FILE__).parent_path() / "../../../models";
  for (const auto& file : {models / "task_data/handwritten.tsv", models / "person_names.tsv"}) {
    std::ifstream in(file, std::ios::binary);
    ASSERT_TRUE(in) << file;
    std::stringstream text;
    text << in.rdbuf();
    expectLengthReadersAgree(text.str());
    // Every start offset shifts the block edges across the text.
    for (std::size_t offset = 1; offset < 64; ++offset) expectLengthReadersAgree(text.str().substr(offset, 5000));
  }
}

}  // namespace
}  // namespace pointsman::analyze
