#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace pointsman::analyze {

/// The recorded outcome of one prompt on the weak and the strong model.
struct PairOutcome {
  /// Per-prompt quality (a win rate, a 0/1 score) of each model.
  double weak_quality = 0;
  double strong_quality = 0;
  /// Recorded cost in USD of each model's answer; 0 where nothing was recorded.
  double weak_cost = 0;
  double strong_cost = 0;
};

/// One threshold of a router's cost–quality curve.
struct CurvePoint {
  /// Share of prompts sent to the strong model, c.
  double strong_share = 0;
  /// Mean quality of the chosen answers, r(c).
  double quality = 0;
  /// Mean cost per prompt in USD.
  double cost = 0;
  /// (r(c) - r_weak) / (r_strong - r_weak); NaN when both models score the same on average.
  double pgr = 0;
};

/// A router's curve and the numbers drawn from it.
struct RouterCurve {
  std::vector<CurvePoint> points;
  /// Trapezoid area under PGR over c in [0, 1].
  double apgr = 0;
  /// Smallest c on the grid where PGR reaches 50 % and 80 %.
  std::optional<double> cpt50;
  std::optional<double> cpt80;
};

/// Scores a router on recorded outcomes: prompts are sorted by `scores` (higher means "needs the
/// strong model") and for c = 0, 1/steps, ..., 1 the top round(c * n) go to the strong model.
/// Prompts with equal scores that straddle a cut are split pro rata, which is the expectation
/// over random tie-breaking; so a constant router scores like a random one.
RouterCurve evaluateRouter(std::span<const double> scores, std::span<const PairOutcome> outcomes, int steps = 10);

/// Returns the scores of the oracle router: strong minus weak quality per prompt.
std::vector<double> oracleScores(std::span<const PairOutcome> outcomes);

/// The mean APGR, CPT(50 %) and CPT(80 %) of `draws` routers with uniform random scores.
struct RandomBaseline {
  double apgr = 0;
  double cpt50 = 0;
  double cpt80 = 0;
};
RandomBaseline randomBaseline(std::span<const PairOutcome> outcomes, int draws, std::uint64_t seed, int steps = 10);

/// A 95 % percentile interval.
struct Interval {
  double low = 0;
  double high = 0;
};

/// Paired bootstrap of APGR for a router against a baseline on the same resampled prompts.
struct BootstrapComparison {
  Interval router;
  Interval baseline;
  /// Interval of router APGR minus baseline APGR.
  Interval difference;
  /// Resamples used; a resample where both models have equal mean quality has no PGR and is
  /// skipped.
  int samples = 0;
};
BootstrapComparison bootstrapCompare(std::span<const double> router_scores, std::span<const double> baseline_scores,
                                     std::span<const PairOutcome> outcomes, int samples, std::uint64_t seed,
                                     int steps = 10);

}  // namespace pointsman::analyze
