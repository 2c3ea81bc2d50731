#include <gtest/gtest.h>

#include <array>
#include <pointsman/upstream/load_balancer.hpp>
#include <vector>

namespace pointsman::upstream {
namespace {

using std::chrono::milliseconds;

constexpr int kPicks = 20'000;

/// How often each candidate index was picked over `kPicks` picks.
std::vector<int> pickCounts(BalanceStrategy strategy,
                            const std::vector<BalanceCandidate>& candidates, unsigned seed = 42) {
  BalanceRandom random(seed);
  std::vector<int> counts(candidates.size(), 0);
  for (int i = 0; i < kPicks; ++i) {
    const auto picked = pickDeployment(strategy, candidates, random);
    if (!picked) {
      ADD_FAILURE() << "no candidate picked";
      return counts;
    }
    ++counts[*picked];
  }
  return counts;
}

TEST(LoadBalancer, WeightedRandomFollowsWeights) {
  std::array<DeploymentLoad, 3> loads;
  const std::vector<BalanceCandidate> candidates = {
      {&loads[0], 1.0, false}, {&loads[1], 3.0, false}, {&loads[2], 6.0, false}};
  const auto counts = pickCounts(BalanceStrategy::WeightedRandom, candidates);
  EXPECT_NEAR(counts[0], kPicks * 0.1, kPicks * 0.02);
  EXPECT_NEAR(counts[1], kPicks * 0.3, kPicks * 0.02);
  EXPECT_NEAR(counts[2], kPicks * 0.6, kPicks * 0.02);
}

TEST(LoadBalancer, WeightedRandomSkipsZeroWeightAndExcluded) {
  std::array<DeploymentLoad, 4> loads;
  const std::vector<BalanceCandidate> candidates = {{&loads[0], 0.0, false},
                                                    {&loads[1], 5.0, true},
                                                    {&loads[2], 1.0, false},
                                                    {&loads[3], 1.0, false}};
  const auto counts = pickCounts(BalanceStrategy::WeightedRandom, candidates);
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[2], kPicks * 0.5, kPicks * 0.02);
  EXPECT_NEAR(counts[3], kPicks * 0.5, kPicks * 0.02);
}

TEST(LoadBalancer, AllZeroWeightsPickUniformly) {
  std::array<DeploymentLoad, 2> loads;
  const std::vector<BalanceCandidate> candidates = {{&loads[0], 0.0, false},
                                                    {&loads[1], 0.0, false}};
  const auto counts = pickCounts(BalanceStrategy::WeightedRandom, candidates);
  EXPECT_NEAR(counts[0], kPicks * 0.5, kPicks * 0.02);
  EXPECT_NEAR(counts[1], kPicks * 0.5, kPicks * 0.02);
}

TEST(LoadBalancer, NothingWhenAllExcluded) {
  std::array<DeploymentLoad, 2> loads;
  const std::vector<BalanceCandidate> candidates = {{&loads[0], 1.0, true}, {&loads[1], 1.0, true}};
  BalanceRandom random(1);
  for (const auto strategy : {BalanceStrategy::WeightedRandom, BalanceStrategy::LeastOutstanding,
                              BalanceStrategy::LowestLatency}) {
    EXPECT_EQ(pickDeployment(strategy, candidates, random), std::nullopt);
  }
  EXPECT_EQ(pickDeployment(BalanceStrategy::WeightedRandom, {}, random), std::nullopt);
}

TEST(LoadBalancer, SingleEligibleCandidateAlwaysPicked) {
  std::array<DeploymentLoad, 3> loads;
  const std::vector<BalanceCandidate> candidates = {
      {&loads[0], 1.0, true}, {&loads[1], 1.0, false}, {&loads[2], 1.0, true}};
  for (const auto strategy : {BalanceStrategy::WeightedRandom, BalanceStrategy::LeastOutstanding,
                              BalanceStrategy::LowestLatency}) {
    const auto counts = pickCounts(strategy, candidates);
    EXPECT_EQ(counts[1], kPicks);
  }
}

TEST(LoadBalancer, TwoChoicesPreferLessLoaded) {
  std::array<DeploymentLoad, 2> loads;
  for (int i = 0; i < 5; ++i) loads[0].startRequest();
  loads[1].startRequest();
  const std::vector<BalanceCandidate> candidates = {{&loads[0], 1.0, false},
                                                    {&loads[1], 1.0, false}};
  const auto counts = pickCounts(BalanceStrategy::LeastOutstanding, candidates);
  // With two candidates both are always drawn, so the less loaded one always wins.
  EXPECT_EQ(counts[1], kPicks);
}

TEST(LoadBalancer, TwoChoicesNeverPickMostLoadedOfMany) {
  std::array<DeploymentLoad, 4> loads;
  for (int i = 0; i < 4; ++i) {
    for (int request = 0; request < i; ++request) loads[i].startRequest();
  }
  const std::vector<BalanceCandidate> candidates = {{&loads[0], 1.0, false},
                                                    {&loads[1], 1.0, false},
                                                    {&loads[2], 1.0, false},
                                                    {&loads[3], 1.0, false}};
  const auto counts = pickCounts(BalanceStrategy::LeastOutstanding, candidates);
  // The least loaded wins whenever drawn (half the draws); the most loaded never wins.
  EXPECT_NEAR(counts[0], kPicks * 0.5, kPicks * 0.02);
  EXPECT_EQ(counts[3], 0);
  EXPECT_GT(counts[0], counts[1]);
  EXPECT_GT(counts[1], counts[2]);
}

TEST(LoadBalancer, TwoChoicesSkipExcluded) {
  std::array<DeploymentLoad, 3> loads;
  for (int i = 0; i < 3; ++i) loads[1].startRequest();
  const std::vector<BalanceCandidate> candidates = {
      {&loads[0], 1.0, true}, {&loads[1], 1.0, false}, {&loads[2], 1.0, false}};
  loads[2].startRequest();
  const auto counts = pickCounts(BalanceStrategy::LeastOutstanding, candidates);
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(counts[2], kPicks);
}

TEST(LoadBalancer, InFlightCounting) {
  DeploymentLoad load;
  load.startRequest();
  load.startRequest();
  load.finishRequest();
  EXPECT_EQ(load.inFlight(), 1);
}

TEST(LoadBalancer, EwmaFirstSampleThenBlend) {
  DeploymentLoad load(0.25);
  EXPECT_EQ(load.timeToFirstTokenMs(), std::nullopt);
  load.recordTimeToFirstToken(milliseconds(400));
  EXPECT_DOUBLE_EQ(*load.timeToFirstTokenMs(), 400.0);
  load.recordTimeToFirstToken(milliseconds(800));
  EXPECT_DOUBLE_EQ(*load.timeToFirstTokenMs(), 500.0);
  load.recordTimeToFirstToken(std::chrono::microseconds(500'500));
  EXPECT_DOUBLE_EQ(*load.timeToFirstTokenMs(), 500.125);
}

TEST(LoadBalancer, LowestLatencyPrefersFaster) {
  std::array<DeploymentLoad, 3> loads;
  loads[0].recordTimeToFirstToken(milliseconds(900));
  loads[1].recordTimeToFirstToken(milliseconds(300));
  loads[2].recordTimeToFirstToken(milliseconds(600));
  const std::vector<BalanceCandidate> candidates = {
      {&loads[0], 1.0, false}, {&loads[1], 1.0, false}, {&loads[2], 1.0, false}};
  EXPECT_EQ(pickCounts(BalanceStrategy::LowestLatency, candidates)[1], kPicks);

  // The average moves towards new samples, and so does the choice.
  for (int i = 0; i < 20; ++i) loads[1].recordTimeToFirstToken(milliseconds(1'200));
  EXPECT_EQ(pickCounts(BalanceStrategy::LowestLatency, candidates)[2], kPicks);
}

TEST(LoadBalancer, LowestLatencySkipsExcludedFastest) {
  std::array<DeploymentLoad, 2> loads;
  loads[0].recordTimeToFirstToken(milliseconds(100));
  loads[1].recordTimeToFirstToken(milliseconds(700));
  const std::vector<BalanceCandidate> candidates = {{&loads[0], 1.0, true},
                                                    {&loads[1], 1.0, false}};
  EXPECT_EQ(pickCounts(BalanceStrategy::LowestLatency, candidates)[1], kPicks);
}

TEST(LoadBalancer, LowestLatencyMeasuresUnmeasuredFirst) {
  std::array<DeploymentLoad, 3> loads;
  loads[0].recordTimeToFirstToken(milliseconds(50));
  const std::vector<BalanceCandidate> candidates = {
      {&loads[0], 1.0, false}, {&loads[1], 1.0, false}, {&loads[2], 1.0, false}};
  const auto counts = pickCounts(BalanceStrategy::LowestLatency, candidates);
  EXPECT_EQ(counts[0], 0);
  EXPECT_NEAR(counts[1], kPicks * 0.5, kPicks * 0.02);
  EXPECT_NEAR(counts[2], kPicks * 0.5, kPicks * 0.02);
}

}  // namespace
}  // namespace pointsman::upstream
