#pragma once

#include <pointsman/analyze/learned_router.hpp>

#include <filesystem>

namespace pointsman::analyze {

/// Inputs and outputs of `pointsman-train-router`. Exactly one of `input` and `alpaca_eval`
/// is set.
struct TrainRouterOptions {
  /// A CSV with a header and either the columns `prompt,label` (label in [0, 1], 1 = needs the
  /// strong model; fractions are soft labels) or `prompt,weak_score,strong_score` (label 1 when
  /// strong_score > weak_score, else 0). Other columns are ignored.
  std::filesystem::path input;
  /// An AlpacaEval `*_win_vs_reference.csv`; its training split (ids where `isHeldOut` is
  /// false) is labelled by pooled difficulty across all its models.
  std::filesystem::path alpaca_eval;
  /// Where to write the rows derived from `alpaca_eval` as a `prompt,label` CSV; empty: nowhere.
  std::filesystem::path export_csv;
  /// The JSON model file to write.
  std::filesystem::path output;
  LearnedRouterTrainOptions train;
};

/// Trains a `LearnedRouter` and writes its model file. Prints a summary to stdout and errors
/// to stderr; returns 0 on success, 1 on invalid input, 2 when the output cannot be written.
int runTrainRouter(const TrainRouterOptions& options);

}  // namespace pointsman::analyze
