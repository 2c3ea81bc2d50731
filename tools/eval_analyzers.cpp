// pointsman-eval-analyzers: scores the analyzers on the offline data sets.
//
//   pointsman-eval-analyzers tokens --routerarena sub10_outcomes.csv
//   pointsman-eval-analyzers task --model models/task_classifier.json --routerarena sub10_outcomes.csv
//       --map models/task_data/dataset_task_map.csv --handwritten models/task_data/handwritten.tsv
//   pointsman-eval-analyzers pii --names models/person_names.tsv --presidio synth_dataset_v2.json
//       [--routerarena sub10_outcomes.csv] [--verbose 1]
#include "csv_reader.hpp"
#include "task_dataset.hpp"

#include <pointsman/analyze/token_estimator.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>

namespace pointsman::tools {

int evaluatePii(const std::map<std::string, std::string>& options);

namespace {

/// Absolute percentage errors summed over rows, to report their mean.
struct ErrorSum {
  double absolute = 0;
  double signed_error = 0;
  int count = 0;

  void add(double estimate, double real) {
    absolute += std::fabs(estimate - real) / real;
    signed_error += (estimate - real) / real;
    ++count;
  }
};

void printErrors(const char* label, const ErrorSum& errors) {
  std::printf("| %s | %d | %.1f %% | %+.1f %% |\n", label, errors.count, 100 * errors.absolute / errors.count,
              100 * errors.signed_error / errors.count);
}

// Each question is sent as one user message, so the estimate adds the overhead of one message.
int evaluateTokens(const std::map<std::string, std::string>& options) {
  const CsvRows rows = readCsv(options.at("--routerarena"));
  const auto& header = rows.at(0);
  const std::size_t question = columnIndex(header, "question");
  const std::size_t claude = columnIndex(header, "claude-3-haiku-20240307:input_tokens");
  const std::size_t gemini = columnIndex(header, "gemini-2.0-flash-001:input_tokens");

  // Rows with an even index were used to fit the estimator's constants; odd rows were not.
  std::map<std::string, ErrorSum> errors;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    analyze::ChatRequest request;
    request.messages.push_back({analyze::MessageRole::User, row.at(question)});
    const double estimate = static_cast<double>(analyze::estimatePromptTokens(request));
    const double chars_baseline = row.at(question).size() / 4.0 + 7;
    const double claude_tokens = std::stod(row.at(claude));
    const double gemini_tokens = std::stod(row.at(gemini));
    const double mean_tokens = (claude_tokens + gemini_tokens) / 2;
    const bool held_out = (i - 1) % 2 == 1;

    errors["estimate vs Claude 3 Haiku, all rows"].add(estimate, claude_tokens);
    errors["estimate vs Gemini 2.0 Flash, all rows"].add(estimate, gemini_tokens);
    errors["estimate vs mean of both, all rows"].add(estimate, mean_tokens);
    if (held_out) errors["estimate vs mean of both, held-out rows"].add(estimate, mean_tokens);
    errors["bytes / 4 vs mean of both, all rows"].add(chars_baseline, mean_tokens);
  }
  std::printf("| comparison | prompts | mean absolute %% error | mean signed %% error |\n| --- | ---: | ---: | ---: |\n");
  for (const auto& [label, sum] : errors) printErrors(label.c_str(), sum);
  return 0;
}

int evaluateTask(const std::map<std::string, std::string>& options) {
  const TaskDataFiles files{options.at("--routerarena"), options.at("--map"), options.at("--handwritten")};
  const auto classifier = analyze::TaskClassifier::load(options.at("--model"));
  printTaskReport(loadTaskExamples(files), classifier, std::cout);
  return 0;
}

}  // namespace
}  // namespace pointsman::tools

int main(int argc, char** argv) {
  const std::string usage =
      "usage: pointsman-eval-analyzers tokens --routerarena CSV\n"
      "       pointsman-eval-analyzers task --model JSON --routerarena CSV --map CSV --handwritten TSV\n"
      "       pointsman-eval-analyzers pii --names TSV --presidio JSON [--routerarena CSV] [--verbose 1]\n";
  if (argc < 2) {
    std::cerr << usage;
    return 2;
  }
  const std::string command = argv[1];
  std::map<std::string, std::string> options;
  for (int i = 2; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  try {
    if (command == "tokens") return pointsman::tools::evaluateTokens(options);
    if (command == "task") return pointsman::tools::evaluateTask(options);
    if (command == "pii") return pointsman::tools::evaluatePii(options);
  } catch (const std::out_of_range& error) {
    // std::map::at on a missing option, or a CSV row with fewer columns than its header.
    std::cerr << "missing option or column (" << error.what() << ")\n" << usage;
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "pointsman-eval-analyzers: " << error.what() << "\n";
    return 1;
  }
  std::cerr << "unknown command \"" << command << "\"\n" << usage;
  return 2;
}
