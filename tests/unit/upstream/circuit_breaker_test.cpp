#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <ostream>
#include <pointsman/upstream/circuit_breaker.hpp>
#include <random>
#include <thread>
#include <vector>

namespace pointsman::upstream {

// Lets gtest print states and admissions by name when an expectation fails.
void PrintTo(BreakerState state, std::ostream* out) {
  switch (state) {
    case BreakerState::Closed:
      *out << "Closed";
      return;
    case BreakerState::Open:
      *out << "Open";
      return;
    case BreakerState::HalfOpen:
      *out << "HalfOpen";
      return;
  }
  *out << "BreakerState(" << static_cast<int>(state) << ")";
}

void PrintTo(Admission admission, std::ostream* out) {
  switch (admission) {
    case Admission::Allowed:
      *out << "Allowed";
      return;
    case Admission::Probe:
      *out << "Probe";
      return;
    case Admission::RejectedOpen:
      *out << "RejectedOpen";
      return;
    case Admission::RejectedRateLimited:
      *out << "RejectedRateLimited";
      return;
  }
  *out << "Admission(" << static_cast<int>(admission) << ")";
}

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = CircuitBreaker::TimePoint;

const TimePoint kStart = TimePoint{} + std::chrono::hours(1);

BreakerPolicy consecutivePolicy() {
  BreakerPolicy policy;
  policy.consecutive_failures = 3;
  policy.failure_rate = 2.0;  // off
  policy.cool_down = seconds(10);
  policy.max_probes = 2;
  return policy;
}

/// Sends one request at `now` and reports it as a failure.
void fail(CircuitBreaker& breaker, TimePoint now) {
  const auto admission = breaker.tryAcquire(now);
  ASSERT_EQ(admission, Admission::Allowed);
  breaker.onFailure(admission, now);
}

void succeed(CircuitBreaker& breaker, TimePoint now) {
  const auto admission = breaker.tryAcquire(now);
  ASSERT_EQ(admission, Admission::Allowed);
  breaker.onSuccess(admission, now);
}

/// Opens the breaker at `kStart` by consecutive failures.
void openBreaker(CircuitBreaker& breaker) {
  for (int i = 0; i < 3; ++i) fail(breaker, kStart);
  ASSERT_EQ(breaker.state(kStart), BreakerState::Open);
}

TEST(CircuitBreaker, StartsClosed) {
  CircuitBreaker breaker(consecutivePolicy());
  EXPECT_EQ(breaker.state(kStart), BreakerState::Closed);
  EXPECT_EQ(breaker.tryAcquire(kStart), Admission::Allowed);
  EXPECT_EQ(breaker.probesInFlight(), 0);
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailures) {
  CircuitBreaker breaker(consecutivePolicy());
  fail(breaker, kStart);
  fail(breaker, kStart);
  EXPECT_EQ(breaker.state(kStart), BreakerState::Closed);

  fail(breaker, kStart);
  EXPECT_EQ(breaker.state(kStart), BreakerState::Open);
  EXPECT_EQ(breaker.coolDownEndsAt(), kStart + seconds(10));
  EXPECT_EQ(breaker.tryAcquire(kStart + seconds(9)), Admission::RejectedOpen);
}

TEST(CircuitBreaker, SuccessResetsConsecutiveFailures) {
  CircuitBreaker breaker(consecutivePolicy());
  fail(breaker, kStart);
  fail(breaker, kStart);
  succeed(breaker, kStart);
  fail(breaker, kStart);
  fail(breaker, kStart);
  EXPECT_EQ(breaker.state(kStart), BreakerState::Closed);
}

TEST(CircuitBreaker, HalfOpensAfterCoolDownWithLimitedProbes) {
  CircuitBreaker breaker(consecutivePolicy());
  openBreaker(breaker);
  const auto later = kStart + seconds(10);
  EXPECT_EQ(breaker.state(later), BreakerState::HalfOpen);

  EXPECT_EQ(breaker.tryAcquire(later), Admission::Probe);
  EXPECT_EQ(breaker.tryAcquire(later), Admission::Probe);
  EXPECT_EQ(breaker.tryAcquire(later), Admission::RejectedOpen);
  EXPECT_EQ(breaker.probesInFlight(), 2);
}

TEST(CircuitBreaker, ProbeSuccessCloses) {
  CircuitBreaker breaker(consecutivePolicy());
  openBreaker(breaker);
  const auto later = kStart + seconds(10);
  const auto probe = breaker.tryAcquire(later);
  ASSERT_EQ(probe, Admission::Probe);

  breaker.onSuccess(probe, later);
  EXPECT_EQ(breaker.state(later), BreakerState::Closed);
  EXPECT_EQ(breaker.tryAcquire(later), Admission::Allowed);
  EXPECT_EQ(breaker.probesInFlight(), 0);
}

TEST(CircuitBreaker, ProbeFailureReopensWithFreshCoolDown) {
  CircuitBreaker breaker(consecutivePolicy());
  openBreaker(breaker);
  const auto later = kStart + seconds(12);
  const auto probe = breaker.tryAcquire(later);
  ASSERT_EQ(probe, Admission::Probe);

  breaker.onFailure(probe, later);
  EXPECT_EQ(breaker.state(later), BreakerState::Open);
  EXPECT_EQ(breaker.coolDownEndsAt(), later + seconds(10));
  EXPECT_EQ(breaker.tryAcquire(later + seconds(9)), Admission::RejectedOpen);
  EXPECT_EQ(breaker.tryAcquire(later + seconds(10)), Admission::Probe);
}

TEST(CircuitBreaker, LateResultKeepsHalfOpen) {
  CircuitBreaker breaker(consecutivePolicy());
  const auto early = breaker.tryAcquire(kStart);
  ASSERT_EQ(early, Admission::Allowed);
  openBreaker(breaker);

  const auto later = kStart + seconds(10);
  const auto probe = breaker.tryAcquire(later);
  ASSERT_EQ(probe, Admission::Probe);
  breaker.onSuccess(early, later);
  EXPECT_EQ(breaker.state(later), BreakerState::HalfOpen);
  breaker.onFailure(early, later);
  EXPECT_EQ(breaker.state(later), BreakerState::HalfOpen);
  EXPECT_EQ(breaker.probesInFlight(), 1);
  breaker.onAbandoned(probe);
}

TEST(CircuitBreaker, AbandonedProbeFreesItsSlot) {
  CircuitBreaker breaker(consecutivePolicy());
  openBreaker(breaker);
  const auto later = kStart + seconds(10);
  const auto first = breaker.tryAcquire(later);
  const auto second = breaker.tryAcquire(later);
  ASSERT_EQ(breaker.tryAcquire(later), Admission::RejectedOpen);

  breaker.onAbandoned(first);
  EXPECT_EQ(breaker.probesInFlight(), 1);
  EXPECT_EQ(breaker.tryAcquire(later), Admission::Probe);
  EXPECT_EQ(breaker.state(later), BreakerState::HalfOpen);
  breaker.onAbandoned(second);
}

TEST(CircuitBreaker, ClosedWindowForgetsFailuresBeforeClose) {
  auto policy = consecutivePolicy();
  policy.failure_rate = 0.5;
  policy.min_requests = 4;
  policy.cool_down = seconds(2);
  CircuitBreaker breaker(policy);
  openBreaker(breaker);

  // The close happens within the window of the three failures that opened the breaker.
  const auto later = kStart + seconds(2);
  const auto probe = breaker.tryAcquire(later);
  breaker.onSuccess(probe, later);
  ASSERT_EQ(breaker.state(later), BreakerState::Closed);

  fail(breaker, later);
  EXPECT_EQ(breaker.state(later), BreakerState::Closed);
}

TEST(CircuitBreaker, OpensOnFailureRate) {
  BreakerPolicy policy;
  policy.consecutive_failures = 0;
  policy.failure_rate = 0.5;
  policy.min_requests = 10;
  policy.bucket_width = seconds(1);
  CircuitBreaker breaker(policy);

  // Alternate success and failure, one pair per bucket: never two failures in a row.
  for (int pair = 0; pair < 4; ++pair) {
    const auto now = kStart + seconds(pair);
    succeed(breaker, now);
    fail(breaker, now);
  }
  EXPECT_EQ(breaker.state(kStart + seconds(4)), BreakerState::Closed);

  succeed(breaker, kStart + seconds(4));
  fail(breaker, kStart + seconds(4));
  EXPECT_EQ(breaker.state(kStart + seconds(4)), BreakerState::Open);
}

TEST(CircuitBreaker, FailureRateBelowThresholdStaysClosed) {
  BreakerPolicy policy;
  policy.consecutive_failures = 0;
  policy.failure_rate = 0.5;
  policy.min_requests = 10;
  CircuitBreaker breaker(policy);
  for (int i = 0; i < 30; ++i) {
    const auto now = kStart + milliseconds(100 * i);
    succeed(breaker, now);
    succeed(breaker, now);
    fail(breaker, now);
  }
  EXPECT_EQ(breaker.state(kStart + seconds(3)), BreakerState::Closed);
}

TEST(CircuitBreaker, OldBucketsLeaveWindow) {
  BreakerPolicy policy;
  policy.consecutive_failures = 0;
  policy.failure_rate = 0.5;
  policy.min_requests = 6;
  policy.bucket_width = seconds(1);
  CircuitBreaker breaker(policy);

  for (int i = 0; i < 5; ++i) fail(breaker, kStart);
  EXPECT_EQ(breaker.state(kStart), BreakerState::Closed);

  // Ten buckets later the five failures are out of the window, so one more is not enough.
  const auto later = kStart + seconds(CircuitBreaker::kWindowBuckets);
  fail(breaker, later);
  EXPECT_EQ(breaker.state(later), BreakerState::Closed);

  // Nine buckets later they are still in it.
  CircuitBreaker recent(policy);
  for (int i = 0; i < 5; ++i) fail(recent, kStart);
  fail(recent, kStart + seconds(CircuitBreaker::kWindowBuckets - 1));
  EXPECT_EQ(recent.state(kStart + seconds(9)), BreakerState::Open);
}

TEST(CircuitBreaker, StaleSampleKeepsNewerBucket) {
  BreakerPolicy policy;
  policy.consecutive_failures = 0;
  policy.failure_rate = 0.5;
  policy.min_requests = 6;
  policy.bucket_width = seconds(1);
  CircuitBreaker breaker(policy);

  // Both times map to the same slot of the window, ten buckets apart.
  const auto now = kStart + seconds(CircuitBreaker::kWindowBuckets);
  for (int i = 0; i < 5; ++i) fail(breaker, now);
  breaker.onFailure(Admission::Allowed, kStart);
  EXPECT_EQ(breaker.state(now), BreakerState::Closed);

  fail(breaker, now);
  EXPECT_EQ(breaker.state(now), BreakerState::Open);
}

TEST(CircuitBreaker, RateLimitPausesWithoutCountingFailure) {
  CircuitBreaker breaker(consecutivePolicy());
  fail(breaker, kStart);
  fail(breaker, kStart);
  const auto admission = breaker.tryAcquire(kStart);
  breaker.onRateLimited(admission, kStart + seconds(5));

  EXPECT_EQ(breaker.state(kStart), BreakerState::Closed);
  EXPECT_EQ(breaker.rateLimitedUntil(), kStart + seconds(5));
  EXPECT_EQ(breaker.tryAcquire(kStart + seconds(4)), Admission::RejectedRateLimited);
  EXPECT_EQ(breaker.tryAcquire(kStart + seconds(5)), Admission::Allowed);
}

TEST(CircuitBreaker, RateLimitPauseNeverShortens) {
  CircuitBreaker breaker(consecutivePolicy());
  breaker.onRateLimited(Admission::Allowed, kStart + seconds(8));
  breaker.onRateLimited(Admission::Allowed, kStart + seconds(3));
  EXPECT_EQ(breaker.rateLimitedUntil(), kStart + seconds(8));
}

TEST(CircuitBreaker, RateLimitedProbeKeepsHalfOpen) {
  CircuitBreaker breaker(consecutivePolicy());
  openBreaker(breaker);
  const auto later = kStart + seconds(10);
  const auto probe = breaker.tryAcquire(later);
  ASSERT_EQ(probe, Admission::Probe);

  breaker.onRateLimited(probe, later + seconds(2));
  EXPECT_EQ(breaker.probesInFlight(), 0);
  EXPECT_EQ(breaker.state(later), BreakerState::HalfOpen);
  EXPECT_EQ(breaker.tryAcquire(later + seconds(1)), Admission::RejectedRateLimited);
  EXPECT_EQ(breaker.tryAcquire(later + seconds(2)), Admission::Probe);
}

TEST(CircuitBreaker, RejectedAdmissionsReportNothing) {
  CircuitBreaker breaker(consecutivePolicy());
  for (int i = 0; i < 5; ++i) breaker.onFailure(Admission::RejectedOpen, kStart);
  EXPECT_EQ(breaker.state(kStart), BreakerState::Closed);
}

TEST(CircuitBreaker, ConcurrentUseKeepsProbeLimit) {
  BreakerPolicy policy;
  policy.consecutive_failures = 3;
  policy.failure_rate = 0.6;
  policy.min_requests = 20;
  policy.bucket_width = milliseconds(1);
  policy.cool_down = milliseconds(1);
  policy.max_probes = 2;
  CircuitBreaker breaker(policy);

  constexpr int kThreads = 4;
  constexpr int kIterations = 20'000;
  // Fake clock in nanoseconds: each call moves it 2 microseconds forward, so the breaker opens,
  // half-opens and closes many times within the loops.
  std::atomic<std::int64_t> clock_ns{3'600'000'000'000};
  std::atomic<int> probes_held{0};
  std::atomic<int> max_probes_held{0};
  std::atomic<int> max_probes_reported{0};
  std::atomic<int> probe_count{0};
  std::atomic<int> rejected_count{0};

  auto run = [&](unsigned seed) {
    std::mt19937 random(seed);
    std::bernoulli_distribution fails(0.5);
    for (int i = 0; i < kIterations; ++i) {
      const auto now = TimePoint(std::chrono::nanoseconds(clock_ns.fetch_add(2'000)));
      const auto admission = breaker.tryAcquire(now);
      if (admission == Admission::RejectedOpen) rejected_count.fetch_add(1);
      if (admission != Admission::Allowed && admission != Admission::Probe) continue;

      if (admission == Admission::Probe) {
        probe_count.fetch_add(1);
        const int held_now = probes_held.fetch_add(1) + 1;
        int seen = max_probes_held.load();
        while (held_now > seen && !max_probes_held.compare_exchange_weak(seen, held_now)) {
        }
        int reported = breaker.probesInFlight();
        int seen_reported = max_probes_reported.load();
        while (reported > seen_reported &&
               !max_probes_reported.compare_exchange_weak(seen_reported, reported)) {
        }
        probes_held.fetch_sub(1);
      }
      const auto done = TimePoint(std::chrono::nanoseconds(clock_ns.load()));
      if (fails(random)) {
        breaker.onFailure(admission, done);
      } else {
        breaker.onSuccess(admission, done);
      }
    }
  };

  std::vector<std::thread> threads;
  for (unsigned seed = 1; seed <= kThreads; ++seed) threads.emplace_back(run, seed);
  for (auto& thread : threads) thread.join();

  EXPECT_LE(max_probes_held.load(), policy.max_probes);
  EXPECT_LE(max_probes_reported.load(), policy.max_probes);
  EXPECT_EQ(breaker.probesInFlight(), 0);
  EXPECT_GT(probe_count.load(), 0);
  EXPECT_GT(rejected_count.load(), 0);
}

}  // namespace
}  // namespace pointsman::upstream
