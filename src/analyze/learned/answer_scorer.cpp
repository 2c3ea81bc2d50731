#include <pointsman/analyze/answer_scorer.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <unordered_set>

namespace pointsman::analyze {
namespace {

constexpr std::array<std::string_view, 8> kRefusalPhrases{
    "i can't", "i cannot", "i'm sorry", "i am sorry", "i'm unable", "i am unable", "as an ai", "i'm not able"};
constexpr std::array<std::string_view, 9> kHedgePhrases{"might",     "possibly",    "perhaps",
                                                        "not sure",  "unclear",     "it depends",
                                                        "i think",   "approximately", "cannot be determined"};

std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::size_t countOccurrences(const std::string& text, std::string_view phrase) {
  std::size_t count = 0;
  for (auto at = text.find(phrase); at != std::string::npos; at = text.find(phrase, at + phrase.size())) ++count;
  return count;
}

std::unordered_set<std::string> wordSet(const std::string& lower) {
  std::unordered_set<std::string> words;
  std::string word;
  for (const char c : lower) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      word.push_back(c);
    } else if (!word.empty()) {
      words.insert(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.insert(std::move(word));
  return words;
}

double jaccard(const std::unordered_set<std::string>& left, const std::unordered_set<std::string>& right) {
  if (left.empty() && right.empty()) return 0;
  std::size_t shared = 0;
  for (const auto& word : left) shared += right.contains(word) ? 1 : 0;
  return static_cast<double>(shared) / static_cast<double>(left.size() + right.size() - shared);
}

bool endsCleanly(std::string_view answer) {
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back())) != 0) answer.remove_suffix(1);
  if (answer.empty()) return false;
  return std::string_view(".!?)]}`\"*'").find(answer.back()) != std::string_view::npos;
}

}  // namespace

std::array<double, AnswerScorer::kDenseFeatureCount> answerFeatures(std::string_view prompt, std::string_view answer) {
  const auto lower_prompt = lowercase(prompt);
  const auto lower_answer = lowercase(answer);
  const auto prompt_words = wordSet(lower_prompt);
  const auto answer_words = wordSet(lower_answer);
  double refusals = 0;
  for (const auto phrase : kRefusalPhrases) refusals += static_cast<double>(countOccurrences(lower_answer, phrase));
  double hedges = 0;
  for (const auto phrase : kHedgePhrases) hedges += static_cast<double>(countOccurrences(lower_answer, phrase));
  const bool asks_boxed = lower_prompt.find("\\boxed") != std::string::npos;
  const bool has_boxed = lower_answer.find("\\boxed") != std::string::npos;
  const double digits = static_cast<double>(std::count_if(answer.begin(), answer.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  }));
  const double answer_bytes = static_cast<double>(answer.size());
  return {
      std::log1p(answer_bytes),
      std::log1p(static_cast<double>(prompt.size())),
      std::log1p(answer_bytes) - std::log1p(static_cast<double>(prompt.size())),
      std::log1p(refusals),
      std::log1p(hedges),
      has_boxed ? 1.0 : 0.0,
      asks_boxed && !has_boxed ? 1.0 : 0.0,
      lower_answer.find("```") != std::string::npos ? 1.0 : 0.0,
      jaccard(prompt_words, answer_words),
      endsCleanly(answer) ? 1.0 : 0.0,
      answer_bytes > 0 ? digits / answer_bytes : 0.0,
      std::log1p(static_cast<double>(answer_words.size())),
  };
}

AnswerScorer::AnswerScorer(TextEncoder encoder, std::array<double, kDenseFeatureCount> mean,
                           std::array<double, kDenseFeatureCount> scale, LogisticModel model)
    : encoder_(std::move(encoder)), mean_(mean), scale_(scale), model_(std::move(model)) {}

SparseVector AnswerScorer::featurize(std::string_view prompt, std::string_view answer, std::string_view model) const {
  // The model name is one more "word": a marker no prompt contains keeps it apart from them.
  auto row = encoder_.encode(std::string(prompt) + " zzmodel" + std::string(model));
  const auto dense = answerFeatures(prompt, answer);
  for (std::size_t k = 0; k < kDenseFeatureCount; ++k) {
    row.indices.push_back(encoder_.dimension() + static_cast<std::uint32_t>(k));
    row.values.push_back(static_cast<float>((dense[k] - mean_[k]) / scale_[k]));
  }
  return row;
}

double AnswerScorer::score(std::string_view prompt, std::string_view answer, std::string_view model) const {
  return model_.predict(featurize(prompt, answer, model));
}

AnswerScorer AnswerScorer::train(std::span<const GradedAnswer> answers, const LogisticTrainOptions& options) {
  if (answers.size() < 2) throw std::invalid_argument("at least two graded answers are needed");
  TextEncoder encoder(
      {.dimension_bits = 12, .word_bigrams = false, .char_ngram_min = 0, .char_ngram_max = 0, .char_ngram_word_limit = 0});
  std::vector<std::string> corpus;
  for (const auto& answer : answers) corpus.push_back(answer.prompt + " zzmodel" + answer.model);
  encoder.fit(corpus);

  std::array<double, kDenseFeatureCount> mean{};
  std::array<double, kDenseFeatureCount> square{};
  for (const auto& answer : answers) {
    const auto dense = answerFeatures(answer.prompt, answer.answer);
    for (std::size_t k = 0; k < kDenseFeatureCount; ++k) {
      mean[k] += dense[k];
      square[k] += dense[k] * dense[k];
    }
  }
  const double count = static_cast<double>(answers.size());
  std::array<double, kDenseFeatureCount> scale{};
  for (std::size_t k = 0; k < kDenseFeatureCount; ++k) {
    mean[k] /= count;
    const double variance = square[k] / count - mean[k] * mean[k];
    scale[k] = variance > 1e-12 ? std::sqrt(variance) : 1.0;
  }

  AnswerScorer scorer(std::move(encoder), mean, scale, LogisticModel{});
  std::vector<SparseVector> rows;
  std::vector<double> labels;
  for (const auto& answer : answers) {
    rows.push_back(scorer.featurize(answer.prompt, answer.answer, answer.model));
    labels.push_back(std::clamp(answer.grade, 0.0, 1.0));
  }
  scorer.model_ = LogisticModel::train(rows, labels, scorer.encoder_.dimension() + kDenseFeatureCount, options);
  return scorer;
}

nlohmann::json AnswerScorer::toJson() const {
  return {{"format", kFormat},
          {"version", 1},
          {"encoder", encoder_.toJson()},
          {"dense_features",
           {{"names",
             {"log_answer_bytes", "log_prompt_bytes", "log_length_ratio", "log_refusals", "log_hedges", "has_boxed",
              "missing_requested_boxed", "has_code_fence", "word_jaccard", "ends_cleanly", "digit_share",
              "log_distinct_words"}},
            {"mean", mean_},
            {"scale", scale_}}},
          {"model", model_.toJson()}};
}

AnswerScorer AnswerScorer::fromJson(const nlohmann::json& json) {
  if (json.value("format", "") != kFormat) throw std::runtime_error("format: expected \"" + std::string(kFormat) + "\"");
  if (json.value("version", 0) != 1) throw std::runtime_error("version: only version 1 is supported");
  auto encoder = TextEncoder::fromJson(json.at("encoder"));
  const auto& dense = json.at("dense_features");
  const auto mean = dense.at("mean").get<std::array<double, kDenseFeatureCount>>();
  const auto scale = dense.at("scale").get<std::array<double, kDenseFeatureCount>>();
  for (std::size_t k = 0; k < kDenseFeatureCount; ++k) {
    if (!(scale[k] > 0)) throw std::runtime_error("dense_features.scale[" + std::to_string(k) + "]: must be > 0");
  }
  auto model = LogisticModel::fromJson(json.at("model"));
  if (model.weights().size() != encoder.dimension() + kDenseFeatureCount) {
    throw std::runtime_error("model.dimension: must be the encoder dimension plus 12");
  }
  return AnswerScorer(std::move(encoder), mean, scale, std::move(model));
}

AnswerScorer AnswerScorer::load(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(path.string() + ": cannot open the answer scorer model");
  try {
    return fromJson(nlohmann::json::parse(file));
  } catch (const std::exception& error) {
    throw std::runtime_error(path.string() + ": invalid answer scorer model: " + error.what());
  }
}

}  // namespace pointsman::analyze
