#include <pointsman/analyze/learned_train_router.hpp>

#include <pointsman/analyze/learned_csv_table.hpp>
#include <pointsman/analyze/router_eval_datasets.hpp>
#include <pointsman/analyze/token_estimator.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

double parseLabel(const std::string& text, std::size_t row, std::string_view column) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw std::runtime_error("row " + std::to_string(row) + ", column " + std::string(column) + ": \"" + text +
                             "\" is not a number");
  }
  return value;
}

/// Reads `prompt,label` or `prompt,weak_score,strong_score` rows.
std::vector<LabeledPrompt> readTrainingCsv(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(path.string() + ": cannot open the training CSV");
  const auto table = readCsv(file);
  const auto prompt = table.requireColumn("prompt");
  const auto label = table.column("label");
  const auto weak = table.column("weak_score");
  const auto strong = table.column("strong_score");
  if (!label && !(weak && strong)) {
    throw std::runtime_error(path.string() + ": needs a `label` column or both `weak_score` and `strong_score`");
  }
  std::vector<LabeledPrompt> rows;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    double value = 0;
    if (label) {
      value = parseLabel(row[*label], r + 2, "label");
      if (value < 0 || value > 1) {
        throw std::runtime_error(path.string() + ": row " + std::to_string(r + 2) + ": label " + row[*label] +
                                 " is outside [0, 1]");
      }
    } else {
      value = parseLabel(row[*strong], r + 2, "strong_score") > parseLabel(row[*weak], r + 2, "weak_score") ? 1 : 0;
    }
    rows.push_back({std::to_string(r + 2), row[prompt], value});
  }
  return rows;
}

std::vector<LabeledPrompt> alpacaTrainingRows(const std::filesystem::path& path) {
  std::vector<LabeledPrompt> rows;
  for (auto& row : alpacaEvalPooledDifficulty(path)) {
    if (!isHeldOut(row.id)) rows.push_back(std::move(row));
  }
  return rows;
}

void exportRows(const std::filesystem::path& path, const std::vector<LabeledPrompt>& rows) {
  std::ofstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(path.string() + ": cannot write the exported CSV");
  file << "id,prompt,label\n";
  for (const auto& row : rows) {
    writeCsvField(file, row.id);
    file << ',';
    writeCsvField(file, row.prompt);
    file << ',' << row.label << '\n';
  }
}

/// Builds the drift monitor's reference: each training prompt's score and its estimated prompt
/// tokens when sent as one user message, rounded to keep the file small.
nlohmann::json trainingReference(const LearnedRouter& router, const std::vector<std::string>& prompts) {
  std::vector<double> scores;
  std::vector<std::int64_t> tokens;
  for (const auto& prompt : prompts) {
    scores.push_back(std::round(router.score(prompt) * 1e4) / 1e4);
    tokens.push_back(estimateTokens(prompt) + kTokensPerMessage + kTokensPerReply);
  }
  return {{"complexity", scores}, {"prompt_tokens", tokens}};
}

}  // namespace

int runTrainRouter(const TrainRouterOptions& options) {
  if (options.input.empty() == options.alpaca_eval.empty()) {
    std::cerr << "train-router: give exactly one of --input and --alpaca-eval\n";
    return 1;
  }
  std::vector<LabeledPrompt> rows;
  try {
    rows = options.input.empty() ? alpacaTrainingRows(options.alpaca_eval) : readTrainingCsv(options.input);
    if (!options.export_csv.empty()) exportRows(options.export_csv, rows);
  } catch (const std::exception& error) {
    std::cerr << "train-router: " << error.what() << '\n';
    return 1;
  }

  std::vector<std::string> prompts;
  std::vector<double> labels;
  double label_sum = 0;
  for (const auto& row : rows) {
    prompts.push_back(row.prompt);
    labels.push_back(row.label);
    label_sum += row.label;
  }
  std::optional<LearnedRouter> router;
  try {
    router.emplace(LearnedRouter::train(prompts, labels, options.train));
  } catch (const std::exception& error) {
    std::cerr << "train-router: training failed: " << error.what() << '\n';
    return 1;
  }

  auto json = router->toJson();
  json["training"] = {{"rows", rows.size()},
                      {"mean_label", rows.empty() ? 0.0 : label_sum / static_cast<double>(rows.size())},
                      {"source", options.input.empty() ? options.alpaca_eval.filename().string()
                                                       : options.input.filename().string()},
                      {"epochs", options.train.logistic.epochs},
                      {"learning_rate", options.train.logistic.learning_rate},
                      {"l2", options.train.logistic.l2}};
  json["training"]["reference"] = trainingReference(*router, prompts);
  std::ofstream file(options.output, std::ios::binary);
  if (!file || !(file << json.dump() << '\n')) {
    std::cerr << "train-router: cannot write " << options.output.string() << '\n';
    return 2;
  }
  std::cout << "trained on " << rows.size() << " prompts (mean label " << json["training"]["mean_label"].get<double>()
            << "), wrote " << options.output.string() << '\n';
  return 0;
}

}  // namespace pointsman::analyze
