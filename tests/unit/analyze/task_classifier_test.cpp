#include <pointsman/analyze/task_classifier.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace pointsman::analyze {
namespace {

const std::filesystem::path kShippedModel =
    std::filesystem::path(__FILE__).parent_path() / "../../../models/task_classifier.json";

TEST(TaskClassifier, EmptyModelIsUniform) {
  const TaskClassifier classifier;
  const auto prediction = classifier.classify("Translate this into French.");
  EXPECT_NEAR(prediction.confidence, 1.0 / kTaskTypeCount, 1e-9);
}

TEST(TaskClassifier, EmptyModelSurvivesJsonRoundTrip) {
  TaskClassifier classifier;
  classifier.biases()[static_cast<std::size_t>(TaskType::Math)] = 0.5f;

  const auto reloaded = TaskClassifier::parse(classifier.toJson(), "empty");

  EXPECT_EQ(reloaded.classify("two plus two").type, TaskType::Math);
  EXPECT_EQ(reloaded.probabilities({42}), classifier.probabilities({42}));
}

TEST(TaskClassifier, WeightsOfAFeatureDecideTheType) {
  TaskClassifier classifier;
  std::vector<std::uint32_t> features;
  appendTaskFeatures("haiku", features);
  for (const auto bucket : features) {
    classifier.weights()[std::size_t{bucket} * kTaskTypeCount + static_cast<std::size_t>(TaskType::CreativeWriting)] = 2;
  }
  const auto prediction = classifier.classify("haiku");
  EXPECT_EQ(prediction.type, TaskType::CreativeWriting);
  EXPECT_GT(prediction.confidence, 0.5);
}

TEST(TaskClassifier, ModelSurvivesJsonRoundTrip) {
  TaskClassifier classifier;
  classifier.biases()[static_cast<std::size_t>(TaskType::Math)] = 0.5f;
  classifier.weights()[123 * kTaskTypeCount + static_cast<std::size_t>(TaskType::Code)] = 1.25f;
  const auto reloaded = TaskClassifier::parse(classifier.toJson(), "round trip");
  EXPECT_EQ(reloaded.probabilities({123}), classifier.probabilities({123}));
  EXPECT_EQ(reloaded.probabilities({7}), classifier.probabilities({7}));
}

TEST(TaskClassifier, RejectsMalformedModels) {
  EXPECT_THROW(TaskClassifier::parse("{", "m.json"), std::runtime_error);
  EXPECT_THROW(TaskClassifier::parse(R"({"format":"other"})", "m.json"), std::runtime_error);
  TaskClassifier classifier;
  std::string wrong_buckets = classifier.toJson();
  wrong_buckets.replace(wrong_buckets.find("\"buckets\":262144"), 16, "\"buckets\":1024");
  EXPECT_THROW(TaskClassifier::parse(wrong_buckets, "m.json"), std::runtime_error);
  std::string unknown_type = classifier.toJson();
  unknown_type.replace(unknown_type.find("\"chat\""), 6, "\"gossip\"");
  EXPECT_THROW(TaskClassifier::parse(unknown_type, "m.json"), std::runtime_error);
  EXPECT_THROW(TaskClassifier::load("/nonexistent/task_classifier.json"), std::runtime_error);
}

// Clear prompts of each kind that are not in the training set; a retrained model that gets one
// of them wrong has become worse and should not ship.
TEST(TaskClassifier, ShippedModelGivesStableAnswers) {
  const auto classifier = TaskClassifier::load(kShippedModel);
  const std::vector<std::pair<TaskType, std::string>> cases = {
      {TaskType::Code, "Write a Python function that merges two sorted lists and add unit tests."},
      {TaskType::Translation, "Translate the following sentence into German: The weather is lovely today."},
      {TaskType::Summarization, "Summarize this article in three bullet points for my manager."},
      {TaskType::CreativeWriting, "Write a short poem about a lighthouse keeper and the sea."},
      {TaskType::Chat, "Hey, how's it going? I'm just bored."},
      {TaskType::Math, "Please solve the following mathematical problem step by step. What is 17 * 23 + 4?"},
  };
  for (const auto& [expected, prompt] : cases) {
    const auto first = classifier.classify(prompt);
    EXPECT_EQ(taskTypeName(first.type), taskTypeName(expected)) << prompt;
    EXPECT_GT(first.confidence, 0.3) << prompt;
    EXPECT_EQ(classifier.classify(prompt).confidence, first.confidence) << prompt;
  }
}

TEST(TaskClassifier, JoinedTextClassifiesLikeOneText) {
  const auto classifier = TaskClassifier::load(kShippedModel);
  const std::string words = "Write a python function 12 345 that proves $$x$$ \\frac{a}{b}\nA. one\nB. two ``` ";
  std::mt19937 random(20261205);
  // Sizes on both sides of the 3,000-byte head and 1,000-byte tail, so that the head or the tail
  // crosses from one part into the other.
  const std::size_t sizes[] = {0, 1, 499, 501, 999, 1000, 1001, 2999, 3000, 3001, 3999, 4000, 4001, 6000};
  for (const std::size_t first_size : sizes) {
    for (const std::size_t second_size : sizes) {
      std::string first;
      std::string second;
      while (first.size() < first_size) first += words[random() % words.size()];
      while (second.size() < second_size) second += words[random() % words.size()];
      const auto joined = classifier.classifyJoined(first, second);
      const auto whole = classifier.classify(first + second);
      EXPECT_EQ(joined.type, whole.type) << first_size << " + " << second_size;
      EXPECT_EQ(joined.confidence, whole.confidence) << first_size << " + " << second_size;
    }
  }
}

// classify adds each bucket's weights as it finds the bucket. It must give, bit for bit, the
// probabilities of the bucket list that appendFeatures writes.
TEST(TaskClassifier, ClassifyMatchesProbabilitiesOfFeatureList) {
  const auto classifier = TaskClassifier::load(kShippedModel);
  std::vector<std::string> texts;
  std::ifstream handwritten(kShippedModel.parent_path() / "task_data/handwritten.tsv");
  ASSERT_TRUE(handwritten);
  for (std::string line; std::getline(handwritten, line);) texts.push_back(line);
  const std::string pieces[] = {"Write ", "a ",  "python ",  "function ",    "12 ",
                                "345",    "_x",  "$$",       "\\frac{a}{b}", "\nA. ",
                                "\nB. ",  "```", "\xC3\xA9", "\xE6\x97\xA5", "!",
                                "?",      " ",   "\n",       "\t",           "Ünïcödé "};
  std::mt19937 random(20261205);
  // Sizes on both sides of the 3,000-byte head and the 1,000-byte tail.
  for (const std::size_t size : {0, 1, 40, 999, 3000, 3999, 4000, 4001, 6000, 12000}) {
    for (int repeat = 0; repeat < 20; ++repeat) {
      std::string text;
      while (text.size() < size) text += pieces[random() % std::size(pieces)];
      texts.push_back(text);
    }
  }
  for (const auto& text : texts) {
    std::vector<std::uint32_t> features;
    TaskClassifier::appendFeatures(text, features);
    const auto scores = classifier.probabilities(features);
    const auto best =
        static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
    const auto prediction = classifier.classify(text);
    EXPECT_EQ(static_cast<std::size_t>(prediction.type), best)
        << text.size() << " bytes: " << text.substr(0, 60);
    EXPECT_EQ(prediction.confidence, scores[best])
        << text.size() << " bytes: " << text.substr(0, 60);
  }
}

}  // namespace
}  // namespace pointsman::analyze
