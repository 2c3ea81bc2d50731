#pragma once

#include <pointsman/analyze/features.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::analyze {

/// Feature buckets of the task classifier: hashed words, word pairs and shape markers.
inline constexpr std::uint32_t kTaskFeatureBuckets = 1u << 18;

/// Appends the feature buckets of `text` to `out`: each lowercased word, each pair of adjacent
/// words, and markers for the shape of the text (code fences, LaTeX, lettered options, length).
/// The trainer and the classifier share this function, so a model file matches its features.
void appendTaskFeatures(std::string_view text, std::vector<std::uint32_t>& out);

/// The classifier's result: the most probable task type and its probability.
struct TaskPrediction {
  TaskType type = TaskType::Chat;
  double confidence = 0;
};

/// A multinomial logistic regression over hashed features, loaded from a JSON model file
/// (written by `pointsman-train-task`). Immutable after loading, so threads share one instance.
class TaskClassifier {
 public:
  using Scores = std::array<double, kTaskTypeCount>;

  /// A classifier without weights: every text is Chat with confidence 1 / kTaskTypeCount. It
  /// allocates no weight table, because a gateway without `analyzers.task_classifier` keeps one.
  TaskClassifier() = default;

  /// Reads a model file. Throws std::runtime_error naming the file and the problem, because it
  /// runs when the config loads, never on a request.
  static TaskClassifier load(const std::filesystem::path& path);
  /// The same for the text of a model file; `source` names it in errors.
  static TaskClassifier parse(std::string_view json, const std::string& source);

  /// Classifies `text`. Only the first 3,000 and the last 1,000 bytes are read, because the
  /// instruction of a long prompt is nearly always at its start or its end.
  TaskPrediction classify(std::string_view text) const;

  /// Classifies the text `first` followed by `second`, as classify would, but copies only the
  /// bytes that it reads instead of the whole of a long text.
  TaskPrediction classifyJoined(std::string_view first, std::string_view second) const;

  /// Appends the feature buckets that `classify` reads from `text` (the same head and tail).
  static void appendFeatures(std::string_view text, std::vector<std::uint32_t>& out);

  /// The class probabilities of a list of feature buckets.
  Scores probabilities(const std::vector<std::uint32_t>& features) const;

  /// The weights of a bucket (one per task type) and the biases, for the trainer. The first call
  /// allocates the table, all zero.
  std::vector<float>& weights();
  std::array<float, kTaskTypeCount>& biases() { return biases_; }

  /// Writes the model as JSON, keeping only the buckets that have a non-zero weight.
  std::string toJson() const;

 private:
  /// kTaskFeatureBuckets rows of kTaskTypeCount weights (10 MiB), or empty for all zero.
  std::vector<float> weights_;
  std::array<float, kTaskTypeCount> biases_{};
};

}  // namespace pointsman::analyze
