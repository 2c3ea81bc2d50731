#pragma once

#include <pointsman/analyze/learned_logistic_model.hpp>
#include <pointsman/analyze/semantic_text_encoder.hpp>

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace pointsman::analyze {

/// One recorded answer with its grade, for training an `AnswerScorer`.
struct GradedAnswer {
  std::string prompt;
  std::string answer;
  /// The model that wrote the answer; the scorer learns a per-model offset from it.
  std::string model;
  /// 1 = acceptable; fractions are soft labels.
  double grade = 0;
};

/// Estimates P(an answer is acceptable) for a cascade's acceptance check, in the style of
/// FrugalGPT's scorer but without a neural model: a logistic regression over hand-written
/// answer features (length, refusal and hedging phrases, format cues such as \boxed{} or a
/// code fence, word overlap with the prompt, an abrupt ending), the hashed words of the prompt
/// (which carry the task's difficulty) and the model name. Thread-safe once built.
class AnswerScorer {
 public:
  static constexpr std::size_t kDenseFeatureCount = 12;
  static constexpr std::string_view kFormat = "pointsman-answer-scorer";

  /// Fits the scorer on `answers`.
  static AnswerScorer train(std::span<const GradedAnswer> answers, const LogisticTrainOptions& options);

  /// Returns P(acceptable) in [0, 1].
  double score(std::string_view prompt, std::string_view answer, std::string_view model) const;

  nlohmann::json toJson() const;
  /// Reads a model file's JSON; throws `std::runtime_error` naming the invalid field.
  static AnswerScorer fromJson(const nlohmann::json& json);
  /// Reads a model file; throws `std::runtime_error` with the path when missing or invalid.
  static AnswerScorer load(const std::filesystem::path& path);

 private:
  AnswerScorer(TextEncoder encoder, std::array<double, kDenseFeatureCount> mean,
               std::array<double, kDenseFeatureCount> scale, LogisticModel model);
  SparseVector featurize(std::string_view prompt, std::string_view answer, std::string_view model) const;

  /// Encodes the prompt's words and the model name.
  TextEncoder encoder_;
  std::array<double, kDenseFeatureCount> mean_;
  std::array<double, kDenseFeatureCount> scale_;
  LogisticModel model_;
};

/// Computes the raw hand-written features of an answer in `AnswerScorer` order.
std::array<double, AnswerScorer::kDenseFeatureCount> answerFeatures(std::string_view prompt, std::string_view answer);

}  // namespace pointsman::analyze
