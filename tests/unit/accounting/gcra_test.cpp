// The GCRA rate limiter: bursts up to the per-minute limit, then one unit per interval.

#include <pointsman/accounting/gcra.hpp>

#include <gtest/gtest.h>

namespace pointsman::accounting {
namespace {

constexpr std::int64_t kSecondUs = 1'000'000;

TEST(Gcra, FullMinuteAvailableAtOnce) {
  std::int64_t tat = 0;
  const std::int64_t now = 1000 * kSecondUs;
  for (int i = 0; i < 60; ++i) {
    const auto decision = gcraCheck(tat, now, 60, 1);
    ASSERT_TRUE(decision.allowed) << "request " << i;
    EXPECT_EQ(decision.remaining, 59 - i);
    tat = decision.new_tat_us;
  }
  const auto rejected = gcraCheck(tat, now, 60, 1);
  EXPECT_FALSE(rejected.allowed);
  EXPECT_EQ(rejected.remaining, 0);
  EXPECT_EQ(rejected.retry_after_us, kSecondUs);
  EXPECT_EQ(rejected.reset_us, 60 * kSecondUs);
}

TEST(Gcra, OneUnitReturnsPerInterval) {
  std::int64_t tat = 0;
  const std::int64_t start = 1000 * kSecondUs;
  for (int i = 0; i < 60; ++i) tat = gcraCheck(tat, start, 60, 1).new_tat_us;
  EXPECT_FALSE(gcraCheck(tat, start + kSecondUs - 1, 60, 1).allowed);
  EXPECT_TRUE(gcraCheck(tat, start + kSecondUs, 60, 1).allowed);
}

TEST(Gcra, AmountAboveLimitNeverFits) {
  const auto decision = gcraCheck(0, 1000 * kSecondUs, 100, 101);
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_after_us, 60 * kSecondUs);
}

TEST(Gcra, TokenCorrectionGivesUnitsBack) {
  const std::int64_t now = 1000 * kSecondUs;
  const auto first = gcraCheck(0, now, 600, 600);
  ASSERT_TRUE(first.allowed);
  EXPECT_FALSE(gcraCheck(first.new_tat_us, now, 600, 100).allowed);
  // The request used 100 tokens of the 600 charged: 500 come back.
  const auto corrected = gcraAdjust(first.new_tat_us, now, 600, -500);
  EXPECT_TRUE(gcraCheck(corrected, now, 600, 500).allowed);
  EXPECT_FALSE(gcraCheck(corrected, now, 600, 501).allowed);
}

TEST(Gcra, CorrectionNeverOverfillsIdleBucket) {
  const std::int64_t now = 1000 * kSecondUs;
  EXPECT_EQ(gcraAdjust(0, now, 60, -10), now);
}

}  // namespace
}  // namespace pointsman::accounting
