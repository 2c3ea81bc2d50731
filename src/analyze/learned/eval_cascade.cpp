#include <pointsman/analyze/router_eval_run.hpp>

#include <pointsman/analyze/answer_scorer.hpp>
#include <pointsman/analyze/learned_csv_table.hpp>
#include <pointsman/analyze/router_eval_datasets.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

constexpr std::array<std::string_view, 2> kModels{"claude-3-haiku-20240307", "gemini-2.0-flash-001"};

/// One prompt's recorded answers, scores and costs on both models, in `kModels` order.
struct CascadePrompt {
  std::string id;
  std::string prompt;
  std::array<std::string, 2> answer;
  std::array<double, 2> score{};
  std::array<double, 2> cost{};
  /// The answer scorer's P(acceptable) for each model's answer.
  std::array<double, 2> acceptance{};
};

std::vector<CascadePrompt> loadCascadePrompts(const std::filesystem::path& outcomes_path,
                                              const std::filesystem::path& answers_path) {
  std::ifstream outcomes_file(outcomes_path, std::ios::binary);
  if (!outcomes_file) throw std::runtime_error(outcomes_path.string() + ": cannot open the file");
  const auto table = readCsv(outcomes_file);
  std::map<std::string, std::array<std::string, 2>> answers;
  std::ifstream answers_file(answers_path);
  if (!answers_file) throw std::runtime_error(answers_path.string() + ": cannot open the file");
  for (std::string line; std::getline(answers_file, line);) {
    if (line.empty()) continue;
    const auto record = nlohmann::json::parse(line);
    const auto model = record.at("model").get<std::string>();
    for (std::size_t m = 0; m < kModels.size(); ++m) {
      if (model == kModels[m]) answers[record.at("global_index").get<std::string>()][m] = record.at("answer").get<std::string>();
    }
  }

  const auto id = table.requireColumn("global_index");
  const auto question = table.requireColumn("question");
  std::vector<CascadePrompt> prompts;
  for (const auto& row : table.rows) {
    CascadePrompt prompt{row[id], row[question], answers[row[id]], {}, {}, {}};
    for (std::size_t m = 0; m < kModels.size(); ++m) {
      prompt.score[m] = std::stod(row[table.requireColumn(std::string(kModels[m]) + ":score")]);
      prompt.cost[m] = std::stod(row[table.requireColumn(std::string(kModels[m]) + ":cost_usd")]);
    }
    prompts.push_back(std::move(prompt));
  }
  return prompts;
}

struct CascadeResult {
  double quality = 0;
  double cost = 0;
  double second_share = 0;
};

/// Runs the cascade `first` → `second` with acceptance threshold `threshold` over `prompts`.
CascadeResult runCascade(const std::vector<CascadePrompt>& prompts, std::size_t first, double threshold) {
  const std::size_t second = 1 - first;
  CascadeResult result;
  for (const auto& prompt : prompts) {
    const bool accepted = prompt.acceptance[first] >= threshold;
    result.quality += accepted ? prompt.score[first] : prompt.score[second];
    result.cost += prompt.cost[first] + (accepted ? 0 : prompt.cost[second]);
    result.second_share += accepted ? 0 : 1;
  }
  const double count = static_cast<double>(prompts.size());
  return {result.quality / count, result.cost / count * 1000, result.second_share / count};
}

CascadeResult single(const std::vector<CascadePrompt>& prompts, std::size_t model) {
  CascadeResult result;
  for (const auto& prompt : prompts) {
    result.quality += prompt.score[model];
    result.cost += prompt.cost[model];
  }
  const double count = static_cast<double>(prompts.size());
  return {result.quality / count, result.cost / count * 1000, 0};
}

/// Area under the ROC curve of `acceptance` for answers with score >= 0.5 against the rest.
double rocAuc(const std::vector<CascadePrompt>& prompts, std::size_t model) {
  std::vector<double> good;
  std::vector<double> bad;
  for (const auto& prompt : prompts) (prompt.score[model] >= 0.5 ? good : bad).push_back(prompt.acceptance[model]);
  double wins = 0;
  for (const auto g : good) {
    for (const auto b : bad) wins += g > b ? 1 : (g == b ? 0.5 : 0);
  }
  return good.empty() || bad.empty() ? 0.5 : wins / (static_cast<double>(good.size()) * static_cast<double>(bad.size()));
}

/// Picks on the training split the cheapest threshold whose quality reaches the better single
/// model's, else the threshold of the highest quality.
double chooseThreshold(const std::vector<CascadePrompt>& train, std::size_t first) {
  const double target = std::max(single(train, 0).quality, single(train, 1).quality);
  std::optional<std::pair<double, double>> cheapest;  // (cost, threshold)
  double best_quality = -1;
  double best_threshold = 0;
  for (int step = 0; step <= 100; ++step) {
    const double threshold = step / 100.0;
    const auto result = runCascade(train, first, threshold);
    if (result.quality >= target && (!cheapest || result.cost < cheapest->first)) cheapest = {result.cost, threshold};
    if (result.quality > best_quality) {
      best_quality = result.quality;
      best_threshold = threshold;
    }
  }
  return cheapest ? cheapest->second : best_threshold;
}

}  // namespace

int runEvalCascade(const EvalCascadeOptions& options) {
  std::vector<CascadePrompt> train;
  std::vector<CascadePrompt> test;
  try {
    for (auto& prompt : loadCascadePrompts(options.outcomes, options.answers)) {
      (isHeldOut(prompt.id) ? test : train).push_back(std::move(prompt));
    }
  } catch (const std::exception& error) {
    std::cerr << "eval-router cascade: " << error.what() << '\n';
    return 1;
  }

  std::vector<GradedAnswer> graded;
  for (const auto& prompt : train) {
    for (std::size_t m = 0; m < kModels.size(); ++m) {
      graded.push_back({prompt.prompt, prompt.answer[m], std::string(kModels[m]), prompt.score[m]});
    }
  }
  const auto scorer = AnswerScorer::train(graded, LogisticTrainOptions{});
  if (!options.model_output.empty()) {
    std::ofstream file(options.model_output, std::ios::binary);
    if (!file || !(file << scorer.toJson().dump() << '\n')) {
      std::cerr << "eval-router cascade: cannot write " << options.model_output.string() << '\n';
      return 2;
    }
  }
  for (auto* split : {&train, &test}) {
    for (auto& prompt : *split) {
      for (std::size_t m = 0; m < kModels.size(); ++m) {
        prompt.acceptance[m] = scorer.score(prompt.prompt, prompt.answer[m], kModels[m]);
      }
    }
  }

  std::printf("answer scorer: trained on %zu answers (%zu prompts), held-out prompts: %zu\n", graded.size(),
              train.size(), test.size());
  for (std::size_t m = 0; m < kModels.size(); ++m) {
    const auto alone = single(test, m);
    std::printf("%s alone: quality %.4f, cost %.4f USD per 1,000 prompts, held-out ROC AUC of the scorer %.3f\n",
                std::string(kModels[m]).c_str(), alone.quality, alone.cost, rocAuc(test, m));
  }
  for (const std::size_t first : {std::size_t{0}, std::size_t{1}}) {
    const auto threshold = chooseThreshold(train, first);
    std::printf("cascade %s -> %s (threshold chosen on the training split: %.2f)\n",
                std::string(kModels[first]).c_str(), std::string(kModels[1 - first]).c_str(), threshold);
    std::printf("  threshold  quality  cost_per_1k_prompts  second_call_share\n");
    for (int step = 0; step <= 10; ++step) {
      const double sweep = step / 10.0;
      const auto result = runCascade(test, first, sweep);
      std::printf("  %9.2f  %7.4f  %19.4f  %17.3f\n", sweep, result.quality, result.cost, result.second_share);
    }
    const auto chosen = runCascade(test, first, threshold);
    std::printf("  chosen:    %7.4f  %19.4f  %17.3f\n", chosen.quality, chosen.cost, chosen.second_share);
  }
  return 0;
}

}  // namespace pointsman::analyze
