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

/// Settings for fitting a `LearnedRouter`.
struct LearnedRouterTrainOptions {
  TextEncoderOptions encoder{
      .dimension_bits = 16, .word_bigrams = true, .char_ngram_min = 0, .char_ngram_max = 0, .char_ngram_word_limit = 0};
  LogisticTrainOptions logistic;
};

/// Estimates P(the strong model is needed) for a prompt: a logistic regression over the
/// prompt's hashed TF-IDF encoding plus four standardised length features (log bytes, log
/// words, log lines, share of symbol bytes). Thread-safe once built.
class LearnedRouter {
 public:
  static constexpr std::size_t kLengthFeatureCount = 4;
  static constexpr std::string_view kFormat = "pointsman-learned-router";
  /// The text encoding of a longer prompt reads only its first kEncodedHeadBytes and last
  /// kEncodedTailBytes, which bounds the scoring time, because the instruction is nearly always at
  /// the start or the end. The length features still measure the whole prompt.
  static constexpr std::size_t kEncodedHeadBytes = 3072;
  static constexpr std::size_t kEncodedTailBytes = 1024;

  LearnedRouter(TextEncoder encoder, std::array<double, kLengthFeatureCount> length_mean,
                std::array<double, kLengthFeatureCount> length_scale, LogisticModel model);

  /// Fits the encoder's idf, the length scaling and the regression on `prompts` with `labels`
  /// in [0, 1] (1 = needs the strong model).
  static LearnedRouter train(std::span<const std::string> prompts, std::span<const double> labels,
                             const LearnedRouterTrainOptions& options);

  /// Returns P(strong needed) in [0, 1] for `prompt`.
  double score(std::string_view prompt) const;

  /// The same, with `bounded_words` scanned from `boundedPromptText(prompt)` by the caller, who
  /// shares the scan with the semantic match.
  double score(std::string_view prompt, const ScannedWords& bounded_words) const;

  /// Builds the regression's input for `prompt`: the encoding, then the length features at
  /// indices dimension() .. dimension() + 3.
  SparseVector featurize(std::string_view prompt) const;
  SparseVector featurize(std::string_view prompt, const ScannedWords& bounded_words) const;

  nlohmann::json toJson() const;
  /// Reads a model file's JSON; throws `std::runtime_error` naming the invalid field.
  static LearnedRouter fromJson(const nlohmann::json& json);
  /// Reads a model file; throws `std::runtime_error` with the path when it is missing or invalid.
  static LearnedRouter load(const std::filesystem::path& path);

 private:
  TextEncoder encoder_;
  /// Training mean of each raw length feature.
  std::array<double, kLengthFeatureCount> length_mean_;
  /// Training standard deviation of each raw length feature (1 where it was 0).
  std::array<double, kLengthFeatureCount> length_scale_;
  LogisticModel model_;
};

/// Returns `prompt` itself when it fits the encoder's bound, else its head and tail (cut at
/// spaces) joined by a line break in `scratch`.
std::string_view boundedPromptText(std::string_view prompt, std::string& scratch);

/// Computes the raw length features of `prompt` in `LearnedRouter` order.
std::array<double, LearnedRouter::kLengthFeatureCount> promptLengthFeatures(std::string_view prompt);

}  // namespace pointsman::analyze
