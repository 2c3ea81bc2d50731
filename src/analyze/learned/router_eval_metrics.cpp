#include <pointsman/analyze/router_eval_metrics.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

/// Prefix sums of the quality and cost gains of routing to the strong model, in score order,
/// with ties averaged inside their group.
struct RankedGains {
  std::vector<double> quality;  // quality[k]: gain of the top k prompts
  std::vector<double> cost;
};

RankedGains rankGains(std::span<const double> scores, std::span<const PairOutcome> outcomes) {
  const auto n = outcomes.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] > scores[b]; });

  RankedGains gains{std::vector<double>(n + 1, 0), std::vector<double>(n + 1, 0)};
  std::size_t start = 0;
  while (start < n) {
    auto end = start + 1;
    while (end < n && scores[order[end]] == scores[order[start]]) ++end;
    double group_quality = 0;
    double group_cost = 0;
    for (auto i = start; i < end; ++i) {
      const auto& outcome = outcomes[order[i]];
      group_quality += outcome.strong_quality - outcome.weak_quality;
      group_cost += outcome.strong_cost - outcome.weak_cost;
    }
    const double size = static_cast<double>(end - start);
    for (auto i = start; i < end; ++i) {
      gains.quality[i + 1] = gains.quality[i] + group_quality / size;
      gains.cost[i + 1] = gains.cost[i] + group_cost / size;
    }
    start = end;
  }
  return gains;
}

std::optional<double> costToReach(const std::vector<CurvePoint>& points, double target) {
  for (const auto& point : points) {
    if (point.pgr >= target - 1e-12) return point.strong_share;
  }
  return std::nullopt;
}

}  // namespace

RouterCurve evaluateRouter(std::span<const double> scores, std::span<const PairOutcome> outcomes, int steps) {
  if (scores.size() != outcomes.size()) throw std::invalid_argument("scores and outcomes differ in length");
  if (outcomes.empty()) throw std::invalid_argument("no outcomes to evaluate");
  if (steps < 1) throw std::invalid_argument("steps must be at least 1");
  const auto n = outcomes.size();
  double weak_total = 0;
  double weak_cost = 0;
  for (const auto& outcome : outcomes) {
    weak_total += outcome.weak_quality;
    weak_cost += outcome.weak_cost;
  }
  const auto gains = rankGains(scores, outcomes);
  const double count = static_cast<double>(n);
  const double gap = gains.quality[n] / count;

  RouterCurve curve;
  for (int step = 0; step <= steps; ++step) {
    const double share = static_cast<double>(step) / steps;
    const auto strong_count = static_cast<std::size_t>(std::llround(share * count));
    CurvePoint point;
    point.strong_share = share;
    point.quality = (weak_total + gains.quality[strong_count]) / count;
    point.cost = (weak_cost + gains.cost[strong_count]) / count;
    point.pgr = gap == 0 ? std::numeric_limits<double>::quiet_NaN() : (gains.quality[strong_count] / count) / gap;
    curve.points.push_back(point);
  }
  for (std::size_t i = 1; i < curve.points.size(); ++i) {
    const auto& left = curve.points[i - 1];
    const auto& right = curve.points[i];
    curve.apgr += (left.pgr + right.pgr) / 2 * (right.strong_share - left.strong_share);
  }
  curve.cpt50 = costToReach(curve.points, 0.5);
  curve.cpt80 = costToReach(curve.points, 0.8);
  return curve;
}

std::vector<double> oracleScores(std::span<const PairOutcome> outcomes) {
  std::vector<double> scores;
  scores.reserve(outcomes.size());
  for (const auto& outcome : outcomes) scores.push_back(outcome.strong_quality - outcome.weak_quality);
  return scores;
}

RandomBaseline randomBaseline(std::span<const PairOutcome> outcomes, int draws, std::uint64_t seed, int steps) {
  std::mt19937_64 generator(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  RandomBaseline mean;
  std::vector<double> scores(outcomes.size());
  for (int draw = 0; draw < draws; ++draw) {
    for (auto& score : scores) score = uniform(generator);
    const auto curve = evaluateRouter(scores, outcomes, steps);
    mean.apgr += curve.apgr / draws;
    mean.cpt50 += curve.cpt50.value_or(1) / draws;
    mean.cpt80 += curve.cpt80.value_or(1) / draws;
  }
  return mean;
}

namespace {

Interval percentileInterval(std::vector<double> values) {
  if (values.empty()) return {std::nan(""), std::nan("")};
  std::sort(values.begin(), values.end());
  auto at = [&](double quantile) {
    const auto index = static_cast<std::size_t>(std::floor(quantile * static_cast<double>(values.size() - 1)));
    return values[index];
  };
  return {at(0.025), at(0.975)};
}

}  // namespace

BootstrapComparison bootstrapCompare(std::span<const double> router_scores, std::span<const double> baseline_scores,
                                     std::span<const PairOutcome> outcomes, int samples, std::uint64_t seed,
                                     int steps) {
  const auto n = outcomes.size();
  std::mt19937_64 generator(seed);
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  std::vector<double> router_apgr;
  std::vector<double> baseline_apgr;
  std::vector<double> difference;
  std::vector<PairOutcome> resampled(n);
  std::vector<double> router_resampled(n);
  std::vector<double> baseline_resampled(n);
  for (int sample = 0; sample < samples; ++sample) {
    double gap = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto chosen = pick(generator);
      resampled[i] = outcomes[chosen];
      router_resampled[i] = router_scores[chosen];
      baseline_resampled[i] = baseline_scores[chosen];
      gap += resampled[i].strong_quality - resampled[i].weak_quality;
    }
    if (gap == 0) continue;
    const double router = evaluateRouter(router_resampled, resampled, steps).apgr;
    const double baseline = evaluateRouter(baseline_resampled, resampled, steps).apgr;
    router_apgr.push_back(router);
    baseline_apgr.push_back(baseline);
    difference.push_back(router - baseline);
  }
  BootstrapComparison result;
  result.samples = static_cast<int>(router_apgr.size());
  result.router = percentileInterval(std::move(router_apgr));
  result.baseline = percentileInterval(std::move(baseline_apgr));
  result.difference = percentileInterval(std::move(difference));
  return result;
}

}  // namespace pointsman::analyze
