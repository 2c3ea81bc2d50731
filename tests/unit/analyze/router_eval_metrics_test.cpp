#include <pointsman/analyze/router_eval_metrics.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace pointsman::analyze {
namespace {

/// Four prompts: the weak model fails the second and the fourth, the strong model passes all.
std::vector<PairOutcome> fourPrompts() {
  return {{1, 1, 0.0, 1.0}, {0, 1, 0.0, 1.0}, {1, 1, 0.0, 1.0}, {0, 1, 0.0, 1.0}};
}

TEST(RouterEval, PerfectRouterOnHandExample) {
  const auto outcomes = fourPrompts();
  const std::vector<double> scores{0, 1, 0, 1};
  const auto curve = evaluateRouter(scores, outcomes, 4);
  ASSERT_EQ(curve.points.size(), 5U);
  // PGR at c = 0, 1/4, 1/2, 3/4, 1: 0, 0.5, 1, 1, 1; trapezoid area 0.0625+0.1875+0.25+0.25.
  EXPECT_DOUBLE_EQ(curve.points[1].pgr, 0.5);
  EXPECT_DOUBLE_EQ(curve.points[2].pgr, 1.0);
  EXPECT_DOUBLE_EQ(curve.apgr, 0.75);
  EXPECT_DOUBLE_EQ(*curve.cpt50, 0.25);
  EXPECT_DOUBLE_EQ(*curve.cpt80, 0.5);
  EXPECT_DOUBLE_EQ(curve.points[1].quality, 0.75);
  EXPECT_DOUBLE_EQ(curve.points[1].cost, 0.25);
}

TEST(RouterEval, OracleScoresAreTheQualityGain) {
  const auto outcomes = fourPrompts();
  EXPECT_EQ(oracleScores(outcomes), (std::vector<double>{0, 1, 0, 1}));
}

TEST(RouterEval, WorstRouterOnHandExample) {
  const auto outcomes = fourPrompts();
  const std::vector<double> scores{1, 0, 1, 0};
  // PGR: 0, 0, 0, 0.5, 1; area 0.0625 + 0.1875.
  EXPECT_DOUBLE_EQ(evaluateRouter(scores, outcomes, 4).apgr, 0.25);
}

TEST(RouterEval, ConstantRouterScoresLikeRandomExpectation) {
  const auto outcomes = fourPrompts();
  const std::vector<double> scores(4, 0.3);
  const auto curve = evaluateRouter(scores, outcomes, 4);
  EXPECT_DOUBLE_EQ(curve.apgr, 0.5);
  EXPECT_DOUBLE_EQ(curve.points[2].pgr, 0.5);
}

TEST(RouterEval, RandomBaselineIsNearHalf) {
  std::vector<PairOutcome> outcomes;
  for (int i = 0; i < 400; ++i) outcomes.push_back({i % 3 == 0 ? 0.0 : 1.0, 1.0, 0, 0});
  const auto random = randomBaseline(outcomes, 30, 7);
  EXPECT_NEAR(random.apgr, 0.5, 0.03);
  EXPECT_NEAR(random.cpt50, 0.5, 0.1);
}

TEST(RouterEval, EqualModelsHaveNoPgr) {
  const std::vector<PairOutcome> outcomes{{1, 1, 0, 0}, {0, 0, 0, 0}};
  const std::vector<double> scores{1, 0};
  const auto curve = evaluateRouter(scores, outcomes, 2);
  EXPECT_TRUE(std::isnan(curve.points[1].pgr));
  EXPECT_FALSE(curve.cpt50.has_value());
}

TEST(RouterEval, MismatchedLengthsAreRejected) {
  const auto outcomes = fourPrompts();
  const std::vector<double> scores{1, 2};
  EXPECT_THROW(evaluateRouter(scores, outcomes), std::invalid_argument);
}

TEST(RouterEval, BootstrapSeparatesOracleFromReversedRouter) {
  std::vector<PairOutcome> outcomes;
  for (int i = 0; i < 200; ++i) outcomes.push_back({i % 2 == 0 ? 1.0 : 0.0, 1.0, 0, 0});
  const auto oracle = oracleScores(outcomes);
  std::vector<double> reversed;
  for (const auto score : oracle) reversed.push_back(-score);
  const auto comparison = bootstrapCompare(oracle, reversed, outcomes, 200, 3);
  EXPECT_EQ(comparison.samples, 200);
  EXPECT_GT(comparison.difference.low, 0.3);
  EXPECT_LE(comparison.router.low, comparison.router.high);
  EXPECT_GT(comparison.router.low, comparison.baseline.high);
}

TEST(RouterEval, BootstrapIsDeterministicForASeed) {
  const auto outcomes = fourPrompts();
  const std::vector<double> scores{0.1, 0.9, 0.2, 0.8};
  const std::vector<double> lengths{4, 3, 2, 1};
  const auto first = bootstrapCompare(scores, lengths, outcomes, 50, 11);
  const auto second = bootstrapCompare(scores, lengths, outcomes, 50, 11);
  EXPECT_EQ(first.difference.low, second.difference.low);
  EXPECT_EQ(first.difference.high, second.difference.high);
}

}  // namespace
}  // namespace pointsman::analyze
