#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace pointsman::upstream {

/// When a deployment's circuit breaker opens and how it recovers. Immutable, from config.
struct BreakerPolicy {
  /// Consecutive failures that open the breaker; 0 disables this trigger.
  int consecutive_failures = 5;
  /// Share of failed requests in the window (0 to 1) at or above which the breaker opens; a value
  /// above 1 disables this trigger.
  double failure_rate = 0.5;
  /// Requests the window must contain before `failure_rate` applies.
  int min_requests = 20;
  /// Width of one window bucket; the window covers `CircuitBreaker::kWindowBuckets` buckets.
  std::chrono::milliseconds bucket_width{1'000};
  /// Time an open breaker rejects every request before it admits probes.
  std::chrono::milliseconds cool_down{30'000};
  /// Probe requests a half-open breaker admits at once; values below 1 count as 1.
  int max_probes = 1;
};

enum class BreakerState { Closed, Open, HalfOpen };

/// Returns the `pointsman_breaker_state` gauge value of a state: 0 closed, 1 half-open, 2 open.
inline double breakerStateGauge(BreakerState state) {
  if (state == BreakerState::Open) return 2;
  if (state == BreakerState::HalfOpen) return 1;
  return 0;
}

/// Result of `CircuitBreaker::tryAcquire`.
enum class Admission {
  /// Send the request: the breaker is closed.
  Allowed,
  /// Send the request as one of the half-open breaker's probes.
  Probe,
  /// Do not send: the breaker is open, or half-open with every probe slot taken.
  RejectedOpen,
  /// Do not send: the deployment asked the gateway to wait (a 429 with Retry-After).
  RejectedRateLimited,
};

/// A per-deployment circuit breaker shared by all threads, lock-free. It opens after
/// `consecutive_failures` failures in a row or when the failure share over a sliding window of
/// buckets passes `failure_rate`. After `cool_down` it half-opens and admits up to `max_probes`
/// probes at once; a probe success closes it and a probe failure opens it again. A 429 sets a
/// separate rate-limit pause that is not counted as a failure.
///
/// Contract: every `Allowed` or `Probe` admission is followed by exactly one of `onSuccess`,
/// `onFailure`, `onRateLimited` or `onAbandoned`, passing the admission back. A probe that is
/// never reported keeps its slot taken for good.
///
/// Times are `steady_clock` points passed in by the caller; points before the clock's epoch count
/// as the epoch.
///
/// Memory order: no decision reads two fields as one snapshot, and each field changes only by
/// single atomic operations. The state and the cool-down end share one word (`phase_`) so that
/// they change together; its changes use acquire/release so that a thread that sees a closed
/// phase also sees the window and failure-count resets stored before the close. The probe count,
/// the window buckets and the failure count need only atomicity, so they use relaxed order.
class CircuitBreaker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  /// Buckets in the sliding window.
  static constexpr int kWindowBuckets = 10;

  explicit CircuitBreaker(const BreakerPolicy& policy);

  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  /// Decides whether a request may go to the deployment now; half-opens an open breaker whose
  /// cool-down is over.
  Admission tryAcquire(TimePoint now);

  /// Records a successful request. A probe's success closes a half-open breaker.
  void onSuccess(Admission admitted, TimePoint now);

  /// Records a failed request. It may open a closed breaker; a probe's failure reopens a half-open
  /// one.
  void onFailure(Admission admitted, TimePoint now);

  /// Rejects requests until `until` (from the 429's Retry-After) without counting a failure; a
  /// later call can extend the pause but never shorten it. A probe's slot is released.
  void onRateLimited(Admission admitted, TimePoint until);

  /// Releases an admission that ended without a result, e.g. the client cancelled.
  void onAbandoned(Admission admitted);

  /// The state at `now`: an open breaker whose cool-down is over reports HalfOpen.
  BreakerState state(TimePoint now) const;

  /// End of the latest cool-down; in the past unless the breaker is open.
  TimePoint coolDownEndsAt() const;

  /// End of the rate-limit pause; in the past when none is active.
  TimePoint rateLimitedUntil() const;

  /// Probe requests admitted and not yet reported.
  int probesInFlight() const;

 private:
  bool isRateLimited(TimePoint now) const;
  Admission acquireProbe();
  void releaseProbe();
  bool failureRateExceeded(std::int64_t bucket) const;
  void recordSample(std::int64_t bucket, bool failed);
  void openIfIn(BreakerState expected, TimePoint now);
  void closeIfHalfOpen(TimePoint now);
  std::int64_t bucketOf(TimePoint now) const;

  const BreakerPolicy policy_;
  /// The state in the low 2 bits, the cool-down end in nanoseconds since the epoch above them.
  std::atomic<std::uint64_t> phase_;
  std::atomic<int> probes_in_flight_{0};
  std::atomic<int> consecutive_failures_{0};
  /// Nanoseconds since the epoch.
  std::atomic<std::int64_t> rate_limited_until_ns_{0};
  /// The first bucket number the failure rate counts; moved forward when the breaker closes.
  std::atomic<std::int64_t> window_start_bucket_{0};
  /// Per slot: bucket number (low 32 bits) << 32 | requests << 16 | failures.
  std::array<std::atomic<std::uint64_t>, kWindowBuckets> buckets_{};
};

}  // namespace pointsman::upstream
