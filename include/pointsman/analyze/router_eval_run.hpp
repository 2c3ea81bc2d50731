#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace pointsman::analyze {

/// Which recorded outcomes `runEvalRouter` reads.
enum class EvalDataset { AlpacaEval, RouterArena };

/// Inputs of `pointsman-eval-router route`.
struct EvalRouterOptions {
  EvalDataset dataset = EvalDataset::AlpacaEval;
  /// The outcomes file: an AlpacaEval `*_win_vs_reference.csv` or RouterArena `sub10_outcomes.csv`.
  std::filesystem::path outcomes;
  std::string weak;
  std::string strong;
  /// A learned router model file to score; empty: only the baselines and `scores`.
  std::filesystem::path model;
  /// A CSV of `id,score` from any other router; empty: none.
  std::filesystem::path scores;
  /// Score only prompts of the held-out split (`isHeldOut`), as a router trained on the rest must.
  bool held_out_only = true;
  /// Grid steps of the curve: 10 gives c = 0 %, 10 %, ..., 100 %.
  int steps = 10;
  /// Bootstrap resamples for the 95 % intervals.
  int bootstrap_samples = 1000;
  std::uint64_t seed = 1;
  /// Also time `LearnedRouter::score` and the default `TextEncoder` on a ~4,000-token prompt.
  bool time_encoder = false;
};

/// Prints the cost–quality curve, APGR and CPT(50 %)/CPT(80 %) of the router beside the random
/// (mean of 30 draws), prompt-length and oracle baselines, with paired bootstrap intervals.
/// Returns 0, or 1 on invalid input.
int runEvalRouter(const EvalRouterOptions& options);

/// Inputs of `pointsman-eval-router semantic`.
struct EvalSemanticOptions {
  /// The folder with CLINC150's `data_full.json` and `domains.json`.
  std::filesystem::path data_dir;
};

/// Tunes the semantic router's scoring and threshold on a slice of CLINC150 `train` plus
/// `oos_train`, then routes `val` and `oos_val` to the 10 domains with the examples of all of
/// `train`, and prints domain accuracy, out-of-scope recall and precision. Returns 0 or 1.
int runEvalSemantic(const EvalSemanticOptions& options);

/// Inputs of `pointsman-eval-router cascade`.
struct EvalCascadeOptions {
  /// RouterArena `sub10_outcomes.csv` and `sub10_answers.jsonl`.
  std::filesystem::path outcomes;
  std::filesystem::path answers;
  /// Where to write the answer scorer trained on the training split; empty: not written.
  std::filesystem::path model_output;
  std::uint64_t seed = 1;
};

/// Trains the answer scorer on the training split and prints, on the held-out split, the
/// quality and cost of the cascades haiku→gemini and gemini→haiku against each single model.
/// Returns 0, 1 on invalid input, or 2 when the model file cannot be written.
int runEvalCascade(const EvalCascadeOptions& options);

}  // namespace pointsman::analyze
