#include <pointsman/upstream/rate_gate.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace pointsman::upstream {
namespace {

using namespace std::chrono_literals;

TEST(RateGate, AdmitsAFullMinuteThenNamesTheWait) {
  RateGate gate(60);
  const auto now = RateGate::Clock::now();
  for (int i = 0; i < 60; ++i) ASSERT_FALSE(gate.tryCharge(1, now).has_value()) << "request " << i;

  const auto wait = gate.tryCharge(1, now);
  ASSERT_TRUE(wait.has_value());
  // One request a second drains: the 61st fits one second later.
  EXPECT_NEAR(static_cast<double>(wait->count()), 1000.0, 1.0);
  EXPECT_FALSE(gate.tryCharge(1, now + 1s).has_value());
}

TEST(RateGate, ARefusalChargesNothing) {
  RateGate gate(10);
  const auto now = RateGate::Clock::now();
  ASSERT_FALSE(gate.tryCharge(10, now).has_value());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(gate.tryCharge(1, now).has_value());
  EXPECT_FALSE(gate.tryCharge(1, now + 6s).has_value());
}

TEST(RateGate, OutsizedCostPassesOnlyWhenTheAllowanceIsUntouched) {
  RateGate gate(100);
  const auto now = RateGate::Clock::now();
  EXPECT_FALSE(gate.tryCharge(500, now).has_value());
  EXPECT_TRUE(gate.tryCharge(1, now + 1s).has_value());
}

TEST(RateGate, AdjustGivesBackUnits) {
  RateGate gate(10);
  const auto now = RateGate::Clock::now();
  ASSERT_FALSE(gate.tryCharge(10, now).has_value());
  ASSERT_TRUE(gate.tryCharge(1, now).has_value());
  gate.adjust(-3, now);
  EXPECT_FALSE(gate.tryCharge(3, now).has_value());
  EXPECT_TRUE(gate.tryCharge(1, now).has_value());
}

TEST(RateGate, ConcurrentChargesNeverOverspend) {
  RateGate gate(1000);
  const auto now = RateGate::Clock::now();
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (!gate.tryCharge(1, now)) admitted.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 1000);
}

}  // namespace
}  // namespace pointsman::upstream
