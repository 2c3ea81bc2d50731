#include "task_dataset.hpp"

#include "csv_reader.hpp"

#include <pointsman/analyze/name_gazetteer.hpp>

#include <array>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace pointsman::tools {
namespace {

using analyze::TaskType;

TaskType typeNamed(const std::string& name, const std::string& where) {
  const auto type = analyze::taskTypeFromName(name);
  if (!type) throw std::runtime_error(where + ": unknown task type \"" + name + "\"");
  return *type;
}

bool inTestSplit(const std::string& id) { return analyze::hashFoldedWord(id) % 5 == 0; }

void loadRouterArena(const TaskDataFiles& files, std::vector<TaskExample>& examples) {
  std::vector<std::pair<std::string, TaskType>> prefixes;
  const CsvRows map = readCsv(files.dataset_map);
  for (std::size_t i = 1; i < map.size(); ++i) {
    if (map[i].size() != 2) throw std::runtime_error(files.dataset_map.string() + ": expected two columns");
    prefixes.emplace_back(map[i][0], typeNamed(map[i][1], files.dataset_map.string()));
  }

  const CsvRows rows = readCsv(files.routerarena);
  const std::size_t id_column = columnIndex(rows.at(0), "global_index");
  const std::size_t dataset_column = columnIndex(rows.at(0), "dataset");
  const std::size_t question_column = columnIndex(rows.at(0), "question");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const std::string& dataset = row.at(dataset_column);
    std::size_t best_length = 0;
    TaskType type = TaskType::Chat;
    for (const auto& [prefix, prefix_type] : prefixes) {
      if (dataset.rfind(prefix, 0) == 0 && prefix.size() > best_length) {
        best_length = prefix.size();
        type = prefix_type;
      }
    }
    if (best_length == 0) throw std::runtime_error("no task type maps the RouterArena dataset \"" + dataset + "\"");
    const std::string& id = row.at(id_column);
    examples.push_back({id, "routerarena", type, row.at(question_column), inTestSplit(id)});
  }
}

void loadHandwritten(const TaskDataFiles& files, std::vector<TaskExample>& examples) {
  std::istringstream lines(readFile(files.handwritten));
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty()) continue;
    const auto tab = line.find('\t');
    const std::string where = files.handwritten.string() + ":" + std::to_string(number);
    if (tab == std::string::npos) throw std::runtime_error(where + ": expected `task<TAB>prompt`");
    const std::string id = "handwritten-" + std::to_string(number);
    examples.push_back({id, "handwritten", typeNamed(line.substr(0, tab), where), line.substr(tab + 1), inTestSplit(id)});
  }
}

}  // namespace

std::vector<TaskExample> loadTaskExamples(const TaskDataFiles& files) {
  std::vector<TaskExample> examples;
  loadRouterArena(files, examples);
  loadHandwritten(files, examples);
  return examples;
}

void printTaskReport(const std::vector<TaskExample>& examples, const analyze::TaskClassifier& classifier,
                     std::ostream& out) {
  std::array<int, analyze::kTaskTypeCount> total{};
  std::array<int, analyze::kTaskTypeCount> correct{};
  std::array<std::array<int, analyze::kTaskTypeCount>, analyze::kTaskTypeCount> confusion{};
  int handwritten_total = 0;
  int handwritten_correct = 0;
  for (const auto& example : examples) {
    if (!example.test) continue;
    const auto index = static_cast<std::size_t>(example.type);
    const auto predicted = classifier.classify(example.text).type;
    const bool right = predicted == example.type;
    ++confusion[index][static_cast<std::size_t>(predicted)];
    ++total[index];
    correct[index] += right ? 1 : 0;
    if (example.source == "handwritten") {
      ++handwritten_total;
      handwritten_correct += right ? 1 : 0;
    }
  }

  int all_total = 0;
  int all_correct = 0;
  out << "| task type | test prompts | correct | accuracy |\n| --- | ---: | ---: | ---: |\n";
  char line[160];
  for (std::size_t i = 0; i < analyze::kTaskTypeCount; ++i) {
    all_total += total[i];
    all_correct += correct[i];
    const double accuracy = total[i] == 0 ? 0 : 100.0 * correct[i] / total[i];
    std::snprintf(line, sizeof line, "| %s | %d | %d | %.1f %% |\n",
                  std::string(analyze::taskTypeName(static_cast<TaskType>(i))).c_str(), total[i], correct[i], accuracy);
    out << line;
  }
  std::snprintf(line, sizeof line, "| all | %d | %d | %.1f %% |\n", all_total, all_correct,
                all_total == 0 ? 0 : 100.0 * all_correct / all_total);
  out << line;
  std::snprintf(line, sizeof line, "| handwritten only | %d | %d | %.1f %% |\n", handwritten_total,
                handwritten_correct, handwritten_total == 0 ? 0 : 100.0 * handwritten_correct / handwritten_total);
  out << line;

  out << "\nconfusion (rows: labeled type, columns: predicted type, in the order of the table above):\n";
  for (const auto& row : confusion) {
    for (const int count : row) {
      std::snprintf(line, sizeof line, "%4d", count);
      out << line;
    }
    out << "\n";
  }
}

}  // namespace pointsman::tools
