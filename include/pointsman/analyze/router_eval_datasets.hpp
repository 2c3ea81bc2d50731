#pragma once

#include <pointsman/analyze/router_eval_metrics.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::analyze {

/// One prompt with its recorded outcome on a weak and a strong model.
struct EvalPrompt {
  std::string id;
  std::string prompt;
  PairOutcome outcome;
};

/// One training prompt with a label in [0, 1] (1 = needs the strong model).
struct LabeledPrompt {
  std::string id;
  std::string prompt;
  double label = 0;
};

/// Returns whether the prompt `id` belongs to the held-out evaluation split: the 40 % of ids
/// whose FNV-1a hash modulo 100 is below 40. Training must use only ids where this is false.
bool isHeldOut(std::string_view id);

/// Reads an AlpacaEval `*_win_vs_reference.csv` (columns id, dataset, instruction, one column
/// per model) as a weak/strong pair. Rows where either model has no value are skipped. Costs
/// are 0: AlpacaEval records no prices. Throws `std::runtime_error` for a missing file or model.
std::vector<EvalPrompt> loadAlpacaEvalPair(const std::filesystem::path& path, std::string_view weak,
                                           std::string_view strong);

/// Reads RouterArena's `sub10_outcomes.csv` as a weak/strong pair with the recorded score and
/// cost_usd of each model.
std::vector<EvalPrompt> loadRouterArenaPair(const std::filesystem::path& path, std::string_view weak,
                                            std::string_view strong);

/// Labels every AlpacaEval prompt by its pooled difficulty: 1 minus the mean win value over all
/// models that have one, i.e. the share of models whose answer lost to the reference (a draw
/// counts half).
std::vector<LabeledPrompt> alpacaEvalPooledDifficulty(const std::filesystem::path& path);

}  // namespace pointsman::analyze
