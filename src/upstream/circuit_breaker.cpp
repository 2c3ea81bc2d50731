#include <algorithm>
#include <pointsman/upstream/circuit_breaker.hpp>

namespace pointsman::upstream {
namespace {

using std::chrono::nanoseconds;

constexpr std::uint64_t kStateMask = 0b11;
/// A bucket stops counting at this many requests, so its failure share stays that of the first
/// 65535 requests of its width.
constexpr std::uint64_t kMaxBucketRequests = 0xFFFF;

std::int64_t nanosecondsOf(CircuitBreaker::TimePoint time) {
  return std::max<std::int64_t>(
      0, std::chrono::duration_cast<nanoseconds>(time.time_since_epoch()).count());
}

CircuitBreaker::TimePoint timePointOf(std::int64_t ns) {
  return CircuitBreaker::TimePoint(
      std::chrono::duration_cast<CircuitBreaker::TimePoint::duration>(nanoseconds(ns)));
}

std::uint64_t packPhase(BreakerState state, std::int64_t cool_down_end_ns) {
  return (static_cast<std::uint64_t>(cool_down_end_ns) << 2) | static_cast<std::uint64_t>(state);
}

BreakerState stateOf(std::uint64_t phase) { return static_cast<BreakerState>(phase & kStateMask); }

std::int64_t coolDownEndOf(std::uint64_t phase) { return static_cast<std::int64_t>(phase >> 2); }

std::uint32_t bucketEpochOf(std::uint64_t bucket) {
  return static_cast<std::uint32_t>(bucket >> 32);
}

std::uint64_t requestsOf(std::uint64_t bucket) { return (bucket >> 16) & 0xFFFF; }

std::uint64_t failuresOf(std::uint64_t bucket) { return bucket & 0xFFFF; }

BreakerPolicy normalized(BreakerPolicy policy) {
  policy.max_probes = std::max(1, policy.max_probes);
  policy.min_requests = std::max(1, policy.min_requests);
  policy.bucket_width = std::max(std::chrono::milliseconds(1), policy.bucket_width);
  policy.cool_down = std::max(std::chrono::milliseconds(0), policy.cool_down);
  return policy;
}

}  // namespace

CircuitBreaker::CircuitBreaker(const BreakerPolicy& policy)
    : policy_(normalized(policy)), phase_(packPhase(BreakerState::Closed, 0)) {}

Admission CircuitBreaker::tryAcquire(TimePoint now) {
  for (;;) {
    auto phase = phase_.load(std::memory_order_acquire);
    switch (stateOf(phase)) {
      case BreakerState::Closed:
        return isRateLimited(now) ? Admission::RejectedRateLimited : Admission::Allowed;
      case BreakerState::HalfOpen:
        return isRateLimited(now) ? Admission::RejectedRateLimited : acquireProbe();
      case BreakerState::Open:
        if (nanosecondsOf(now) < coolDownEndOf(phase)) return Admission::RejectedOpen;
        // The cool-down is over. Whichever thread wins the exchange half-opens the breaker; the
        // others find it changed and look again.
        phase_.compare_exchange_strong(phase,
                                       packPhase(BreakerState::HalfOpen, coolDownEndOf(phase)),
                                       std::memory_order_acq_rel, std::memory_order_acquire);
        break;
    }
  }
}

void CircuitBreaker::onSuccess(Admission admitted, TimePoint now) {
  if (admitted != Admission::Allowed && admitted != Admission::Probe) return;
  recordSample(bucketOf(now), /*failed=*/false);
  consecutive_failures_.store(0, std::memory_order_relaxed);
  if (admitted != Admission::Probe) return;

  // Close before releasing the slot, so that no new probe is admitted in between.
  closeIfHalfOpen(now);
  releaseProbe();
}

void CircuitBreaker::onFailure(Admission admitted, TimePoint now) {
  if (admitted != Admission::Allowed && admitted != Admission::Probe) return;
  const auto bucket = bucketOf(now);
  recordSample(bucket, /*failed=*/true);
  const int consecutive = consecutive_failures_.fetch_add(1, std::memory_order_relaxed) + 1;

  if (admitted == Admission::Probe) {
    // Reopen before releasing the slot, so that no new probe is admitted in between.
    openIfIn(BreakerState::HalfOpen, now);
    releaseProbe();
    return;
  }
  // A request admitted before the breaker opened reports here too; only a closed breaker opens.
  const bool too_many_in_a_row =
      policy_.consecutive_failures > 0 && consecutive >= policy_.consecutive_failures;
  if (too_many_in_a_row || failureRateExceeded(bucket)) openIfIn(BreakerState::Closed, now);
}

void CircuitBreaker::onRateLimited(Admission admitted, TimePoint until) {
  const auto until_ns = nanosecondsOf(until);
  auto current = rate_limited_until_ns_.load(std::memory_order_relaxed);
  while (current < until_ns && !rate_limited_until_ns_.compare_exchange_weak(
                                   current, until_ns, std::memory_order_relaxed)) {
  }
  if (admitted == Admission::Probe) releaseProbe();
}

void CircuitBreaker::onAbandoned(Admission admitted) {
  if (admitted == Admission::Probe) releaseProbe();
}

BreakerState CircuitBreaker::state(TimePoint now) const {
  const auto phase = phase_.load(std::memory_order_acquire);
  const auto state = stateOf(phase);
  if (state == BreakerState::Open && nanosecondsOf(now) >= coolDownEndOf(phase)) {
    return BreakerState::HalfOpen;
  }
  return state;
}

CircuitBreaker::TimePoint CircuitBreaker::coolDownEndsAt() const {
  return timePointOf(coolDownEndOf(phase_.load(std::memory_order_acquire)));
}

CircuitBreaker::TimePoint CircuitBreaker::rateLimitedUntil() const {
  return timePointOf(rate_limited_until_ns_.load(std::memory_order_relaxed));
}

int CircuitBreaker::probesInFlight() const {
  return probes_in_flight_.load(std::memory_order_relaxed);
}

bool CircuitBreaker::isRateLimited(TimePoint now) const {
  return nanosecondsOf(now) < rate_limited_until_ns_.load(std::memory_order_relaxed);
}

Admission CircuitBreaker::acquireProbe() {
  int probes = probes_in_flight_.load(std::memory_order_relaxed);
  do {
    if (probes >= policy_.max_probes) return Admission::RejectedOpen;
  } while (!probes_in_flight_.compare_exchange_weak(probes, probes + 1, std::memory_order_relaxed));

  // Another probe may have closed or reopened the breaker since the phase was read.
  const auto state = stateOf(phase_.load(std::memory_order_acquire));
  if (state == BreakerState::HalfOpen) return Admission::Probe;
  releaseProbe();
  return state == BreakerState::Closed ? Admission::Allowed : Admission::RejectedOpen;
}

void CircuitBreaker::releaseProbe() { probes_in_flight_.fetch_sub(1, std::memory_order_relaxed); }

bool CircuitBreaker::failureRateExceeded(std::int64_t bucket) const {
  if (policy_.failure_rate > 1.0) return false;
  const auto window_start = window_start_bucket_.load(std::memory_order_relaxed);
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  for (std::int64_t age = 0; age < kWindowBuckets; ++age) {
    const auto number = bucket - age;
    if (number < window_start || number < 0) break;
    const auto value =
        buckets_[static_cast<std::size_t>(number % kWindowBuckets)].load(std::memory_order_relaxed);
    if (bucketEpochOf(value) != static_cast<std::uint32_t>(number)) continue;
    requests += requestsOf(value);
    failures += failuresOf(value);
  }
  if (requests < static_cast<std::uint64_t>(policy_.min_requests)) return false;
  return static_cast<double>(failures) >= policy_.failure_rate * static_cast<double>(requests);
}

void CircuitBreaker::recordSample(std::int64_t bucket, bool failed) {
  auto& slot = buckets_[static_cast<std::size_t>(bucket % kWindowBuckets)];
  const auto epoch = static_cast<std::uint32_t>(bucket);
  const std::uint64_t failure = failed ? 1 : 0;
  auto value = slot.load(std::memory_order_relaxed);
  for (;;) {
    std::uint64_t next = 0;
    if (bucketEpochOf(value) == epoch) {
      if (requestsOf(value) >= kMaxBucketRequests) return;
      next = value + (std::uint64_t{1} << 16) + failure;
    } else {
      // A thread that fell a whole window behind must not wipe a newer bucket: drop its sample.
      if (static_cast<std::int32_t>(epoch - bucketEpochOf(value)) < 0) return;
      next = (std::uint64_t{epoch} << 32) | (std::uint64_t{1} << 16) | failure;
    }
    if (slot.compare_exchange_weak(value, next, std::memory_order_relaxed)) return;
  }
}

void CircuitBreaker::openIfIn(BreakerState expected, TimePoint now) {
  auto phase = phase_.load(std::memory_order_acquire);
  if (stateOf(phase) != expected) return;
  const auto cool_down_end = nanosecondsOf(now + policy_.cool_down);
  // Losing the exchange means another thread changed the state first, and its change is kept.
  phase_.compare_exchange_strong(phase, packPhase(BreakerState::Open, cool_down_end),
                                 std::memory_order_acq_rel, std::memory_order_relaxed);
}

void CircuitBreaker::closeIfHalfOpen(TimePoint now) {
  auto phase = phase_.load(std::memory_order_acquire);
  if (stateOf(phase) != BreakerState::HalfOpen) return;
  // Failures from before the close must not reopen the breaker. When the exchange below fails, the
  // resets are harmless: the window and the count matter only while the breaker is closed, and the
  // next close resets them again.
  window_start_bucket_.store(bucketOf(now), std::memory_order_relaxed);
  consecutive_failures_.store(0, std::memory_order_relaxed);
  phase_.compare_exchange_strong(phase, packPhase(BreakerState::Closed, coolDownEndOf(phase)),
                                 std::memory_order_acq_rel, std::memory_order_relaxed);
}

std::int64_t CircuitBreaker::bucketOf(TimePoint now) const {
  return nanosecondsOf(now) / std::chrono::duration_cast<nanoseconds>(policy_.bucket_width).count();
}

}  // namespace pointsman::upstream
