#include <gtest/gtest.h>

#include <pointsman/upstream/backoff.hpp>
#include <string_view>

namespace pointsman::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const auto kSteadyNow = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

/// 1994-11-06 08:49:37 UTC, the example date of the HTTP specification.
std::chrono::system_clock::time_point exampleDate() {
  using namespace std::chrono;
  return sys_days(year(1994) / November / 6) + hours(8) + minutes(49) + seconds(37);
}

TEST(Backoff, CapDoublesUpToMaximum) {
  RetryPolicy policy;
  policy.base_backoff = milliseconds(100);
  policy.max_backoff = milliseconds(1'000);
  EXPECT_EQ(backoffDelay(policy, 1, 1.0), milliseconds(100));
  EXPECT_EQ(backoffDelay(policy, 2, 1.0), milliseconds(200));
  EXPECT_EQ(backoffDelay(policy, 3, 1.0), milliseconds(400));
  EXPECT_EQ(backoffDelay(policy, 4, 1.0), milliseconds(800));
  EXPECT_EQ(backoffDelay(policy, 5, 1.0), milliseconds(1'000));
  EXPECT_EQ(backoffDelay(policy, 1'000, 1.0), milliseconds(1'000));
}

TEST(Backoff, FullJitterScalesCap) {
  RetryPolicy policy;
  policy.base_backoff = milliseconds(100);
  EXPECT_EQ(backoffDelay(policy, 3, 0.0), milliseconds(0));
  EXPECT_EQ(backoffDelay(policy, 3, 0.5), milliseconds(200));
  EXPECT_EQ(backoffDelay(policy, 3, 0.999), milliseconds(399));
}

TEST(Backoff, OutOfRangeInputsAreClamped) {
  RetryPolicy policy;
  policy.base_backoff = milliseconds(100);
  EXPECT_EQ(backoffDelay(policy, 0, 1.0), milliseconds(100));
  EXPECT_EQ(backoffDelay(policy, -7, 1.0), milliseconds(100));
  EXPECT_EQ(backoffDelay(policy, 1, 2.5), milliseconds(100));
  EXPECT_EQ(backoffDelay(policy, 1, -0.5), milliseconds(0));
}

TEST(Backoff, RetryAfterSeconds) {
  const auto now = exampleDate();
  EXPECT_EQ(parseRetryAfter("0", "", now), milliseconds(0));
  EXPECT_EQ(parseRetryAfter("7", "", now), milliseconds(7'000));
  EXPECT_EQ(parseRetryAfter(" 12\t", "", now), milliseconds(12'000));
  EXPECT_EQ(parseRetryAfter("1.5", "", now), milliseconds(1'500));
  EXPECT_EQ(parseRetryAfter("1.1", "", now), milliseconds(1'100));
  EXPECT_EQ(parseRetryAfter("0.0001", "", now), milliseconds(1));
  EXPECT_EQ(parseRetryAfter("2.5000", "", now), milliseconds(2'500));
  EXPECT_EQ(parseRetryAfter("007", "", now), milliseconds(7'000));
}

TEST(Backoff, RetryAfterMillisecondsWins) {
  const auto now = exampleDate();
  EXPECT_EQ(parseRetryAfter("7", "250", now), milliseconds(250));
  EXPECT_EQ(parseRetryAfter("", "20.2", now), milliseconds(21));
  EXPECT_EQ(parseRetryAfter("", "20.000", now), milliseconds(20));
  EXPECT_EQ(parseRetryAfter("7", "soon", now), milliseconds(7'000));
}

TEST(Backoff, RetryAfterHttpDate) {
  const auto now = exampleDate();
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", "", now), milliseconds(0));
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", "", now), milliseconds(30'000));
  EXPECT_EQ(parseRetryAfter("Mon, 07 Nov 1994 08:49:37 GMT", "", now), milliseconds(86'400'000));
  EXPECT_EQ(parseRetryAfter("Sat, 31 Dec 1994 23:59:60 GMT", "", now),
            std::chrono::ceil<milliseconds>(std::chrono::sys_days(std::chrono::year(1995) / 1 / 1) -
                                            now));
}

TEST(Backoff, RetryAfterDateInPastIsZero) {
  const auto now = exampleDate();
  EXPECT_EQ(parseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", "", now), milliseconds(0));
}

TEST(Backoff, RetryAfterDateRoundsUpToMillisecond) {
  const auto now = exampleDate() - std::chrono::microseconds(1'500);
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", "", now), milliseconds(2));
}

TEST(Backoff, MalformedRetryAfterIsIgnored) {
  const auto now = exampleDate();
  const std::string_view malformed[] = {
      "",
      "   ",
      "-1",
      "+5",
      "1e3",
      ".5",
      "5.",
      "1.2.3",
      "inf",
      "nan",
      "5 seconds",
      "99999999999999999999999",
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "Sun, 6 Nov 1994 08:49:37 GMT",
      "Sun 06 Nov 1994 08:49:37 GMT ",
      "Xyz, 06 Nov 1994 08:49:37 GMT",
      "Sun, 06 Foo 1994 08:49:37 GMT",
      "Sun, 31 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:60:00 GMT",
      "Sun, 06 Nov 1994 08:49:61 GMT",
      "Sun, 06 Nov 19x4 08:49:37 GMT",
      "Sunday, 06-Nov-94 08:49:37 GMT",
      "Sun Nov  6 08:49:37 1994",
  };
  for (const auto text : malformed) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parseRetryAfter(text, "", now), std::nullopt);
    EXPECT_EQ(parseRetryAfter("", text, now), std::nullopt);
  }
}

TEST(Backoff, NextDelayTakesLargerOfBackoffAndHint) {
  RetryPolicy policy;
  policy.base_backoff = milliseconds(100);
  const auto deadline = kSteadyNow + seconds(60);

  const auto hint_wins = nextDelay(policy, 1, 1.0, seconds(3), kSteadyNow, deadline);
  EXPECT_EQ(hint_wins.delay, seconds(3));
  EXPECT_TRUE(hint_wins.fits_deadline);

  const auto backoff_wins = nextDelay(policy, 3, 1.0, milliseconds(50), kSteadyNow, deadline);
  EXPECT_EQ(backoff_wins.delay, milliseconds(400));
  EXPECT_TRUE(backoff_wins.fits_deadline);

  const auto no_hint = nextDelay(policy, 2, 0.5, std::nullopt, kSteadyNow, deadline);
  EXPECT_EQ(no_hint.delay, milliseconds(100));
  EXPECT_TRUE(no_hint.fits_deadline);
}

TEST(Backoff, NextDelayNeverPassesDeadline) {
  const RetryPolicy policy;
  const auto deadline = kSteadyNow + milliseconds(2'500) + std::chrono::microseconds(300);

  const auto too_long = nextDelay(policy, 1, 0.0, seconds(5), kSteadyNow, deadline);
  EXPECT_EQ(too_long.delay, milliseconds(2'500));
  EXPECT_FALSE(too_long.fits_deadline);

  const auto just_fits = nextDelay(policy, 1, 0.0, milliseconds(2'500), kSteadyNow, deadline);
  EXPECT_EQ(just_fits.delay, milliseconds(2'500));
  EXPECT_TRUE(just_fits.fits_deadline);
}

TEST(Backoff, NextDelayAtDeadlineDoesNotFit) {
  const RetryPolicy policy;
  const auto at_deadline = nextDelay(policy, 1, 0.0, std::nullopt, kSteadyNow, kSteadyNow);
  EXPECT_EQ(at_deadline.delay, milliseconds(0));
  EXPECT_FALSE(at_deadline.fits_deadline);

  const auto past = nextDelay(policy, 1, 0.0, std::nullopt, kSteadyNow, kSteadyNow - seconds(1));
  EXPECT_EQ(past.delay, milliseconds(0));
  EXPECT_FALSE(past.fits_deadline);
}

TEST(Backoff, NextDelayWithoutDeadlineAlwaysFits) {
  const RetryPolicy policy;
  const auto delay = nextDelay(policy, 1, 0.0, std::chrono::hours(2), kSteadyNow,
                               std::chrono::steady_clock::time_point::max());
  EXPECT_EQ(delay.delay, std::chrono::hours(2));
  EXPECT_TRUE(delay.fits_deadline);
}

}  // namespace
}  // namespace pointsman::upstream
