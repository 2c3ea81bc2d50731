#include <pointsman/upstream/rate_gate.hpp>

#include <algorithm>
#include <cmath>

namespace pointsman::upstream {

namespace {

constexpr std::int64_t kWindowNs = 60'000'000'000;

std::int64_t nanosecondsOf(RateGate::Clock::time_point now) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
}

}  // namespace

RateGate::RateGate(std::uint64_t per_minute)
    : per_minute_(std::max<std::uint64_t>(1, per_minute)),
      unit_ns_(static_cast<double>(kWindowNs) / static_cast<double>(per_minute_)) {}

std::optional<std::chrono::milliseconds> RateGate::tryCharge(std::uint64_t cost, Clock::time_point now) {
  const auto now_ns = nanosecondsOf(now);
  const auto cost_ns = static_cast<std::int64_t>(std::ceil(unit_ns_ * static_cast<double>(cost)));
  std::int64_t arrival = theoretical_arrival_ns_.load(std::memory_order_relaxed);

  for (;;) {
    const std::int64_t start = std::max(arrival, now_ns);
    const std::int64_t next = start + cost_ns;
    const bool untouched = start == now_ns;
    if (next - now_ns > kWindowNs && !untouched) {
      const auto wait_ns = next - kWindowNs - now_ns;
      return std::chrono::milliseconds(std::max<std::int64_t>(1, (wait_ns + 999'999) / 1'000'000));
    }
    if (theoretical_arrival_ns_.compare_exchange_weak(arrival, next, std::memory_order_relaxed)) return std::nullopt;
  }
}

void RateGate::adjust(std::int64_t extra, Clock::time_point now) {
  const auto now_ns = nanosecondsOf(now);
  const auto delta_ns = static_cast<std::int64_t>(std::llround(unit_ns_ * static_cast<double>(extra)));
  std::int64_t arrival = theoretical_arrival_ns_.load(std::memory_order_relaxed);
  std::int64_t next = 0;
  do {
    // Units given back never reach before now: the past cannot be refunded.
    next = std::max(std::max(arrival, now_ns) + delta_ns, now_ns);
  } while (!theoretical_arrival_ns_.compare_exchange_weak(arrival, next, std::memory_order_relaxed));
}

}  // namespace pointsman::upstream
