#include <pointsman/analyze/analyzers.hpp>
#include <pointsman/analyze/token_estimator.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

const std::filesystem::path kModels = std::filesystem::path(__FILE__).parent_path() / "../../../models";

const Analyzers& shippedAnalyzers() {
  static const Analyzers analyzers =
      Analyzers::load({kModels / "task_classifier.json", kModels / "person_names.tsv"});
  return analyzers;
}

bool has(const Features& features, PiiKind kind) { return features.pii.test(static_cast<std::size_t>(kind)); }

TEST(Analyzers, FillFeaturesOfAChatRequest) {
  const auto features = analyzeRequest(R"({
    "model": "auto",
    "messages": [
      {"role": "system", "content": "You are a helpful assistant."},
      {"role": "user", "content": "Hi, I'm Maria Garcia."},
      {"role": "assistant", "content": "Hello Maria! How can I help?"},
      {"role": "user", "content": "Translate into French: my email is maria.garcia@example.com"}
    ],
    "max_tokens": 200, "stream": true, "n": 2
  })", shippedAnalyzers());
  ASSERT_TRUE(features);
  EXPECT_EQ(features->turns, 3);
  EXPECT_GT(features->estimated_prompt_tokens, 30);
  EXPECT_LT(features->estimated_prompt_tokens, 60);
  // Five words and a period, and "assistant" has one letter more than fits in one token.
  EXPECT_EQ(features->system_prompt_tokens, kTokensPerMessage + 7);
  EXPECT_EQ(features->max_tokens, 200);
  EXPECT_TRUE(features->stream);
  EXPECT_EQ(features->choices, 2);
  EXPECT_FALSE(features->has_tools);
  EXPECT_EQ(features->task, TaskType::Translation);
  EXPECT_GT(features->task_confidence, 0.3);
  EXPECT_TRUE(has(*features, PiiKind::Email));
  EXPECT_TRUE(has(*features, PiiKind::PersonName));
  EXPECT_FALSE(has(*features, PiiKind::PaymentCard));
  EXPECT_FALSE(features->complexity);
  EXPECT_FALSE(features->semantic);
}

TEST(Analyzers, ReportNoPiiForPlainText) {
  const auto features = analyzeRequest(
      R"({"messages":[{"role":"user","content":"Write a haiku about the first snow of winter."}]})", shippedAnalyzers());
  ASSERT_TRUE(features);
  EXPECT_TRUE(features->pii.none());
  EXPECT_EQ(features->task, TaskType::CreativeWriting);
  EXPECT_EQ(features->turns, 1);
}

TEST(Analyzers, RejectBodiesThatAreNotObjects) {
  EXPECT_FALSE(analyzeRequest("[]", shippedAnalyzers()));
}

TEST(Analyzers, LoadFailsWithTheFileName) {
  try {
    Analyzers::load({kModels / "missing.json", {}});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("missing.json"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace pointsman::analyze
