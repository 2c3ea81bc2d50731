#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace pointsman::upstream {

/// A per-minute limit (requests or tokens) kept by the generic cell rate algorithm: one atomic
/// "theoretical arrival time" per limit, moved forward by compare-exchange, so admission takes no
/// lock. A full minute's allowance may be spent in a burst, as providers' own limits allow.
class RateGate {
 public:
  using Clock = std::chrono::steady_clock;

  /// `per_minute` units (requests or tokens) a minute; must be above 0.
  explicit RateGate(std::uint64_t per_minute);
  RateGate(const RateGate&) = delete;
  RateGate& operator=(const RateGate&) = delete;

  /// Charges `cost` units and returns nothing, or returns how long to wait until they would fit
  /// and charges nothing. A cost larger than a whole minute's allowance is admitted when the
  /// allowance is untouched, so an outsized request is slow but never refused for ever.
  std::optional<std::chrono::milliseconds> tryCharge(std::uint64_t cost, Clock::time_point now);

  /// Adds `extra` units to an earlier charge (a token estimate that was low), or gives back units
  /// when `extra` is negative; never refuses.
  void adjust(std::int64_t extra, Clock::time_point now);

  [[nodiscard]] std::uint64_t perMinute() const { return per_minute_; }

 private:
  const std::uint64_t per_minute_;
  /// Nanoseconds of the window one unit uses up.
  const double unit_ns_;
  /// When the charged units would all have drained, in steady-clock nanoseconds.
  std::atomic<std::int64_t> theoretical_arrival_ns_{0};
};

}  // namespace pointsman::upstream
