#pragma once

#include <pointsman/analyze/features.hpp>
#include <pointsman/analyze/task_classifier.hpp>

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace pointsman::tools {

/// One labeled prompt for the task classifier.
struct TaskExample {
  std::string id;
  /// "routerarena" or "handwritten".
  std::string source;
  analyze::TaskType type = analyze::TaskType::Chat;
  std::string text;
  /// In the held-out test split: a fixed hash of the id picks one example in five.
  bool test = false;
};

/// The inputs of the labeled set.
struct TaskDataFiles {
  /// RouterArena's sub10_outcomes.csv (columns global_index, dataset, question).
  std::filesystem::path routerarena;
  /// CSV `dataset_prefix,task`: the longest prefix of a RouterArena dataset name picks its type.
  std::filesystem::path dataset_map;
  /// Lines `task<TAB>prompt` written for the types that RouterArena lacks.
  std::filesystem::path handwritten;
};

/// Loads and labels every example. Throws std::runtime_error on an unknown task name or a
/// RouterArena dataset that no prefix maps, so a new dataset is never labeled by accident.
std::vector<TaskExample> loadTaskExamples(const TaskDataFiles& files);

/// Prints the accuracy per type on the test split, overall and on the handwritten part alone.
void printTaskReport(const std::vector<TaskExample>& examples, const analyze::TaskClassifier& classifier,
                     std::ostream& out);

}  // namespace pointsman::tools
