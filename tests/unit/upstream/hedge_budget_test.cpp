#include <gtest/gtest.h>

#include <atomic>
#include <pointsman/upstream/hedge_budget.hpp>
#include <thread>
#include <vector>

namespace pointsman::upstream {
namespace {

HedgeBudgetPolicy fivePercent() {
  HedgeBudgetPolicy policy;
  policy.max_extra_percent = 5.0;
  policy.max_saved_hedges = 10.0;
  return policy;
}

TEST(HedgeBudget, StartsEmpty) {
  HedgeBudget budget(fivePercent());
  EXPECT_DOUBLE_EQ(budget.tokens(), 0.0);
  EXPECT_FALSE(budget.tryHedge());
}

TEST(HedgeBudget, TwentyPrimariesEarnOneHedge) {
  HedgeBudget budget(fivePercent());
  for (int i = 0; i < 19; ++i) budget.onPrimaryRequest();
  EXPECT_FALSE(budget.tryHedge());

  budget.onPrimaryRequest();
  EXPECT_DOUBLE_EQ(budget.tokens(), 1.0);
  EXPECT_TRUE(budget.tryHedge());
  EXPECT_FALSE(budget.tryHedge());
  EXPECT_DOUBLE_EQ(budget.tokens(), 0.0);
}

TEST(HedgeBudget, SavedTokensAreCapped) {
  HedgeBudget budget(fivePercent());
  for (int i = 0; i < 10'000; ++i) budget.onPrimaryRequest();
  EXPECT_DOUBLE_EQ(budget.tokens(), 10.0);

  int hedges = 0;
  while (budget.tryHedge()) ++hedges;
  EXPECT_EQ(hedges, 10);
}

TEST(HedgeBudget, ZeroPercentNeverHedges) {
  HedgeBudgetPolicy policy;
  policy.max_extra_percent = 0.0;
  HedgeBudget budget(policy);
  for (int i = 0; i < 1'000; ++i) budget.onPrimaryRequest();
  EXPECT_FALSE(budget.tryHedge());
}

TEST(HedgeBudget, NegativeSettingsCountAsZero) {
  HedgeBudgetPolicy policy;
  policy.max_extra_percent = -5.0;
  policy.max_saved_hedges = -1.0;
  HedgeBudget budget(policy);
  for (int i = 0; i < 1'000; ++i) budget.onPrimaryRequest();
  EXPECT_DOUBLE_EQ(budget.tokens(), 0.0);
  EXPECT_FALSE(budget.tryHedge());
}

TEST(HedgeBudget, SteadyTrafficHedgesAtMostPercent) {
  HedgeBudget budget(fivePercent());
  int hedges = 0;
  for (int i = 0; i < 1'000; ++i) {
    budget.onPrimaryRequest();
    if (budget.tryHedge()) ++hedges;
  }
  EXPECT_EQ(hedges, 50);
}

TEST(HedgeBudget, ConcurrentUseNeverOverspends) {
  HedgeBudget budget(fivePercent());
  constexpr int kThreads = 4;
  constexpr int kPrimariesPerThread = 20'000;
  std::atomic<int> hedges{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPrimariesPerThread; ++i) {
        budget.onPrimaryRequest();
        if (budget.tryHedge()) hedges.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  // Every earned token is spent at once, so none hit the cap: tokens earned = hedges + left over.
  const int earned = kThreads * kPrimariesPerThread / 20;
  EXPECT_EQ(hedges.load() + static_cast<int>(budget.tokens()), earned);
  EXPECT_LE(hedges.load(), earned);
  EXPECT_GE(budget.tokens(), 0.0);
}

}  // namespace
}  // namespace pointsman::upstream
