#include <pointsman/analyze/task_classifier.hpp>

#include "analyze/task_features.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

constexpr std::string_view kFormat = "pointsman-task-classifier-1";
constexpr std::size_t kHeadBytes = 3000;
constexpr std::size_t kTailBytes = 1000;
constexpr float kMinStoredWeight = 5e-5f;

[[noreturn]] void fail(const std::string& source, const std::string& problem) {
  throw std::runtime_error(source + ": " + problem);
}

// The model's class order, as indexes into TaskType. A model may list the types in any order.
std::array<std::size_t, kTaskTypeCount> readClassOrder(const nlohmann::json& model, const std::string& source) {
  const auto& classes = model.at("classes");
  if (!classes.is_array() || classes.size() != kTaskTypeCount) {
    fail(source, "\"classes\" must list the " + std::to_string(kTaskTypeCount) + " task types");
  }
  std::array<std::size_t, kTaskTypeCount> order{};
  for (std::size_t i = 0; i < kTaskTypeCount; ++i) {
    const auto type = taskTypeFromName(classes[i].get<std::string>());
    if (!type) fail(source, "unknown task type \"" + classes[i].get<std::string>() + "\" in \"classes\"");
    order[i] = static_cast<std::size_t>(*type);
  }
  return order;
}

TaskPrediction predictionOf(const TaskClassifier::Scores& scores) {
  const auto best = static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  return TaskPrediction{static_cast<TaskType>(best), scores[best]};
}

TaskClassifier::Scores softmax(const TaskLogits& logits) {
  const float top = *std::max_element(logits.begin(), logits.end());
  TaskClassifier::Scores scores{};
  double total = 0;
  for (std::size_t i = 0; i < kTaskTypeCount; ++i) {
    scores[i] = std::exp(static_cast<double>(logits[i] - top));
    total += scores[i];
  }
  for (auto& score : scores) score /= total;
  return scores;
}

// The logits of the features of `parts` in order, equal to those that probabilities() sums for
// the buckets that appendTaskFeatures lists for each part in turn.
TaskLogits logitsOf(const TaskLogits& biases, const std::vector<float>& weights,
                    std::initializer_list<std::string_view> parts) {
  TaskLogits logits = biases;
  // Without a weight table every weight is zero, so the biases alone decide.
  if (weights.empty()) return logits;
  for (const std::string_view part : parts) addTaskFeatureWeights(part, weights.data(), logits);
  return logits;
}

}  // namespace

std::vector<float>& TaskClassifier::weights() {
  if (weights_.empty()) weights_.assign(std::size_t{kTaskFeatureBuckets} * kTaskTypeCount, 0.0f);
  return weights_;
}

TaskClassifier TaskClassifier::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("failed to open the task classifier model " + path.string() + ": check the path");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string());
}

TaskClassifier TaskClassifier::parse(std::string_view json, const std::string& source) {
  nlohmann::json model;
  try {
    model = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& error) {
    fail(source, std::string("invalid JSON: ") + error.what());
  }
  try {
    if (model.at("format") != kFormat) fail(source, "\"format\" must be \"" + std::string(kFormat) + "\"");
    if (model.at("buckets") != kTaskFeatureBuckets) {
      fail(source, "\"buckets\" must be " + std::to_string(kTaskFeatureBuckets) + ", the count this build hashes to");
    }
    const auto order = readClassOrder(model, source);
    TaskClassifier classifier;
    auto& weights = classifier.weights();
    const auto& biases = model.at("biases");
    for (std::size_t i = 0; i < kTaskTypeCount; ++i) classifier.biases_[order[i]] = biases.at(i).get<float>();
    for (const auto& [bucket_text, row] : model.at("weights").items()) {
      const unsigned long bucket = std::stoul(bucket_text);
      if (bucket >= kTaskFeatureBuckets || row.size() != kTaskTypeCount) fail(source, "bad weight row " + bucket_text);
      for (std::size_t i = 0; i < kTaskTypeCount; ++i) {
        weights[bucket * kTaskTypeCount + order[i]] = row[i].get<float>();
      }
    }
    return classifier;
  } catch (const nlohmann::json::exception& error) {
    fail(source, std::string("malformed model: ") + error.what());
  } catch (const std::logic_error& error) {
    fail(source, std::string("malformed weight bucket: ") + error.what());
  }
}

TaskClassifier::Scores TaskClassifier::probabilities(const std::vector<std::uint32_t>& features) const {
  TaskLogits logits = biases_;
  // Without a weight table every weight is zero, so the biases alone decide.
  if (!weights_.empty()) {
    for (const std::uint32_t bucket : features) {
      const float* row = &weights_[std::size_t{bucket} * kTaskTypeCount];
      for (std::size_t i = 0; i < kTaskTypeCount; ++i) logits[i] += row[i];
    }
  }
  return softmax(logits);
}

void TaskClassifier::appendFeatures(std::string_view text, std::vector<std::uint32_t>& out) {
  if (text.size() <= kHeadBytes + kTailBytes) {
    appendTaskFeatures(text, out);
    return;
  }
  appendTaskFeatures(text.substr(0, kHeadBytes), out);
  appendTaskFeatures(text.substr(text.size() - kTailBytes), out);
}

TaskPrediction TaskClassifier::classify(std::string_view text) const {
  // The same head and tail as appendFeatures, with the weights added as the buckets are found.
  if (text.size() <= kHeadBytes + kTailBytes)
    return predictionOf(softmax(logitsOf(biases_, weights_, {text})));
  const std::string_view head = text.substr(0, kHeadBytes);
  const std::string_view tail = text.substr(text.size() - kTailBytes);
  return predictionOf(softmax(logitsOf(biases_, weights_, {head, tail})));
}

TaskPrediction TaskClassifier::classifyJoined(std::string_view first, std::string_view second) const {
  const std::size_t size = first.size() + second.size();
  if (size <= kHeadBytes + kTailBytes) {
    std::string joined;
    joined.reserve(size);
    joined.append(first).append(second);
    return classify(joined);
  }
  // The same head and tail that appendFeatures takes from the joined text.
  std::string head(first.substr(0, kHeadBytes));
  head.append(second.substr(0, kHeadBytes - head.size()));
  std::string tail_copy;
  std::string_view tail = second.substr(second.size() - std::min(second.size(), kTailBytes));
  if (tail.size() < kTailBytes) {
    tail_copy.assign(first.substr(first.size() - (kTailBytes - tail.size()))).append(second);
    tail = tail_copy;
  }
  return predictionOf(softmax(logitsOf(biases_, weights_, {head, tail})));
}

std::string TaskClassifier::toJson() const {
  nlohmann::json model;
  model["format"] = kFormat;
  model["buckets"] = kTaskFeatureBuckets;
  nlohmann::json classes = nlohmann::json::array();
  nlohmann::json biases = nlohmann::json::array();
  for (std::size_t i = 0; i < kTaskTypeCount; ++i) {
    classes.push_back(taskTypeName(static_cast<TaskType>(i)));
    biases.push_back(std::round(biases_[i] * 1e4f) / 1e4f);
  }
  model["classes"] = classes;
  model["biases"] = biases;
  nlohmann::json weights = nlohmann::json::object();
  const std::size_t stored_buckets = weights_.empty() ? 0 : kTaskFeatureBuckets;
  for (std::size_t bucket = 0; bucket < stored_buckets; ++bucket) {
    const float* row = &weights_[bucket * kTaskTypeCount];
    // Rows whose weights all round to zero are left out; four decimals are far below the
    // weights' noise from training.
    if (std::none_of(row, row + kTaskTypeCount, [](float w) { return std::fabs(w) >= kMinStoredWeight; })) continue;
    nlohmann::json values = nlohmann::json::array();
    for (std::size_t i = 0; i < kTaskTypeCount; ++i) values.push_back(std::round(row[i] * 1e4f) / 1e4f);
    weights[std::to_string(bucket)] = values;
  }
  model["weights"] = weights;
  return model.dump();
}

}  // namespace pointsman::analyze
