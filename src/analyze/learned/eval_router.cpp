#include <pointsman/analyze/router_eval_run.hpp>

#include <pointsman/analyze/learned_csv_table.hpp>
#include <pointsman/analyze/learned_router.hpp>
#include <pointsman/analyze/router_eval_datasets.hpp>
#include <pointsman/analyze/router_eval_metrics.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

struct NamedScores {
  std::string name;
  std::vector<double> scores;
};

std::string formatShare(const std::optional<double>& share) {
  if (!share) return "n/a";
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", *share * 100);
  return text;
}

std::vector<double> scoresFromCsv(const std::filesystem::path& path, const std::vector<EvalPrompt>& prompts) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(path.string() + ": cannot open the scores CSV");
  const auto table = readCsv(file);
  const auto id = table.requireColumn("id");
  const auto score = table.requireColumn("score");
  std::map<std::string, double> by_id;
  for (const auto& row : table.rows) by_id[row[id]] = std::stod(row[score]);
  std::vector<double> scores;
  for (const auto& prompt : prompts) {
    const auto found = by_id.find(prompt.id);
    if (found == by_id.end()) throw std::runtime_error(path.string() + ": no score for prompt id " + prompt.id);
    scores.push_back(found->second);
  }
  return scores;
}

/// Returns the median time of `work` over `repetitions` runs, in microseconds.
template <typename Work>
double medianMicroseconds(int repetitions, Work&& work) {
  std::vector<double> times;
  for (int i = 0; i < repetitions; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    times.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void timeEncoders(const std::vector<EvalPrompt>& prompts, const std::optional<LearnedRouter>& router) {
  // About 4,000 tokens of English at roughly 4 bytes per token.
  std::string text;
  for (std::size_t i = 0; text.size() < 16000 && !prompts.empty(); ++i) text += prompts[i % prompts.size()].prompt + "\n";
  const TextEncoder semantic_encoder;
  volatile double sink = 0;
  const double encode_us = medianMicroseconds(200, [&] { sink = sink + static_cast<double>(semantic_encoder.encode(text).size()); });
  std::printf("timing: %zu-byte prompt, TextEncoder (default options) encode median %.1f us\n", text.size(), encode_us);
  if (router) {
    const double score_us = medianMicroseconds(200, [&] { sink = sink + router->score(text); });
    std::printf("timing: %zu-byte prompt, LearnedRouter::score median %.1f us\n", text.size(), score_us);
  }
}

void printCurve(const NamedScores& router, const std::vector<PairOutcome>& outcomes, int steps) {
  const auto curve = evaluateRouter(router.scores, outcomes, steps);
  std::printf("curve of %s:\n  strong_share  quality  cost_usd_per_prompt  pgr\n", router.name.c_str());
  for (const auto& point : curve.points) {
    std::printf("  %11.0f%%  %7.4f  %19.6f  %5.3f\n", point.strong_share * 100, point.quality, point.cost, point.pgr);
  }
}

}  // namespace

int runEvalRouter(const EvalRouterOptions& options) {
  std::vector<EvalPrompt> prompts;
  std::optional<LearnedRouter> router;
  std::vector<NamedScores> routers;
  try {
    auto all = options.dataset == EvalDataset::AlpacaEval
                   ? loadAlpacaEvalPair(options.outcomes, options.weak, options.strong)
                   : loadRouterArenaPair(options.outcomes, options.weak, options.strong);
    for (auto& prompt : all) {
      if (!options.held_out_only || isHeldOut(prompt.id)) prompts.push_back(std::move(prompt));
    }
    if (prompts.size() < 2) throw std::runtime_error("fewer than two prompts to evaluate");
    if (!options.model.empty()) {
      router.emplace(LearnedRouter::load(options.model));
      NamedScores learned{"learned", {}};
      for (const auto& prompt : prompts) learned.scores.push_back(router->score(prompt.prompt));
      routers.push_back(std::move(learned));
    }
    if (!options.scores.empty()) routers.push_back({"scores_csv", scoresFromCsv(options.scores, prompts)});
  } catch (const std::exception& error) {
    std::cerr << "eval-router: " << error.what() << '\n';
    return 1;
  }

  std::vector<PairOutcome> outcomes;
  NamedScores length{"prompt_length", {}};
  for (const auto& prompt : prompts) {
    outcomes.push_back(prompt.outcome);
    length.scores.push_back(static_cast<double>(prompt.prompt.size()));
  }
  const auto weak_end = evaluateRouter(length.scores, outcomes, options.steps).points;
  std::printf("outcomes: %s, weak=%s strong=%s, %s prompts: %zu\n", options.outcomes.filename().c_str(),
              options.weak.c_str(), options.strong.c_str(), options.held_out_only ? "held-out" : "all",
              prompts.size());
  std::printf("weak only: quality %.4f cost %.6f; strong only: quality %.4f cost %.6f (USD per prompt)\n",
              weak_end.front().quality, weak_end.front().cost, weak_end.back().quality, weak_end.back().cost);

  std::printf("%-16s %6s %9s %9s\n", "router", "APGR", "CPT(50%)", "CPT(80%)");
  const auto random = randomBaseline(outcomes, 30, options.seed, options.steps);
  std::printf("%-16s %6.3f %8.0f%% %8.0f%%\n", "random (30)", random.apgr, random.cpt50 * 100, random.cpt80 * 100);
  routers.insert(routers.begin(), length);
  routers.push_back({"oracle", oracleScores(outcomes)});
  for (const auto& named : routers) {
    const auto curve = evaluateRouter(named.scores, outcomes, options.steps);
    std::printf("%-16s %6.3f %9s %9s\n", named.name.c_str(), curve.apgr, formatShare(curve.cpt50).c_str(),
                formatShare(curve.cpt80).c_str());
  }

  for (std::size_t i = 1; i + 1 < routers.size(); ++i) {
    printCurve(routers[i], outcomes, options.steps);
    const auto comparison =
        bootstrapCompare(routers[i].scores, length.scores, outcomes, options.bootstrap_samples, options.seed, options.steps);
    std::printf("bootstrap (%d paired resamples): %s APGR [%.3f, %.3f], prompt_length [%.3f, %.3f], "
                "difference [%.3f, %.3f]: %s\n",
                comparison.samples, routers[i].name.c_str(), comparison.router.low, comparison.router.high,
                comparison.baseline.low, comparison.baseline.high, comparison.difference.low,
                comparison.difference.high,
                comparison.difference.low > 0 ? "beats prompt length (interval above 0)"
                                              : "does not beat prompt length beyond the interval");
  }
  if (options.time_encoder) timeEncoders(prompts, router);
  return 0;
}

}  // namespace pointsman::analyze
