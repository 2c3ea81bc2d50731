#include <pointsman/analyze/answer_scorer.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <vector>

namespace pointsman::analyze {
namespace {

const std::filesystem::path kShippedModel =
    std::filesystem::path(__FILE__).parent_path() / "../../../models/answer-scorer.json";

TEST(AnswerScorer, FeaturesSeeRefusalAndMissingBoxedAnswer) {
  const auto refusal = answerFeatures("Solve x + 1 = 2 and put the answer in \\boxed{}.", "I'm sorry, I cannot help");
  EXPECT_GT(refusal[3], 0.0);  // log_refusals
  EXPECT_EQ(refusal[5], 0.0);  // has_boxed
  EXPECT_EQ(refusal[6], 1.0);  // missing_requested_boxed
  const auto solved = answerFeatures("Solve x + 1 = 2 and put the answer in \\boxed{}.", "x = 1, so \\boxed{1}.");
  EXPECT_EQ(solved[3], 0.0);
  EXPECT_EQ(solved[5], 1.0);
  EXPECT_EQ(solved[6], 0.0);
  EXPECT_EQ(solved[9], 1.0);  // ends_cleanly
}

std::vector<GradedAnswer> gradedAnswers() {
  std::vector<GradedAnswer> answers;
  for (int i = 0; i < 6; ++i) {
    const std::string prompt = "Compute " + std::to_string(i) + " + 1 and answer in \\boxed{}.";
    answers.push_back({prompt, "The sum is \\boxed{" + std::to_string(i + 1) + "}.", "model-a", 1});
    answers.push_back({prompt, "I'm sorry, I cannot", "model-a", 0});
  }
  return answers;
}

TEST(AnswerScorer, PrefersAnswerOverRefusal) {
  const auto scorer = AnswerScorer::train(gradedAnswers(), {});
  const std::string prompt = "Compute 9 + 1 and answer in \\boxed{}.";
  EXPECT_GT(scorer.score(prompt, "The sum is \\boxed{10}.", "model-a"), 0.7);
  EXPECT_LT(scorer.score(prompt, "I'm sorry, I cannot", "model-a"), 0.3);
}

TEST(AnswerScorer, JsonRoundTripKeepsScores) {
  const auto scorer = AnswerScorer::train(gradedAnswers(), {});
  const auto restored = AnswerScorer::fromJson(nlohmann::json::parse(scorer.toJson().dump()));
  EXPECT_NEAR(restored.score("Compute 2 + 2.", "4", "model-a"), scorer.score("Compute 2 + 2.", "4", "model-a"), 1e-4);
}

TEST(AnswerScorer, ShippedModelLoadsAndScoresInRange) {
  const auto scorer = AnswerScorer::load(kShippedModel);
  const double score = scorer.score("What is 2 + 2?", "2 + 2 = 4.", "gemini-2.0-flash-001");
  EXPECT_GE(score, 0.0);
  EXPECT_LE(score, 1.0);
}

TEST(AnswerScorer, WrongFormatIsRejected) {
  EXPECT_THROW(AnswerScorer::fromJson(nlohmann::json{{"format", "pointsman-learned-router"}}), std::runtime_error);
}

}  // namespace
}  // namespace pointsman::analyze
