#include <pointsman/accounting/gcra.hpp>

#include <algorithm>

namespace pointsman::accounting {
namespace {

constexpr std::int64_t kMinuteUs = 60'000'000;

// Microseconds per unit. Rates above a million per minute round to the nearest microsecond
// and bottom out at one.
std::int64_t intervalUs(std::int64_t per_minute) { return std::max<std::int64_t>(1, kMinuteUs / per_minute); }

}  // namespace

GcraDecision gcraCheck(std::int64_t tat_us, std::int64_t now_us, std::int64_t per_minute, std::int64_t amount) {
  GcraDecision decision;
  const std::int64_t interval = intervalUs(per_minute);
  const std::int64_t base = std::max(tat_us, now_us);
  const std::int64_t new_tat = base + amount * interval;
  const std::int64_t allow_at = new_tat - kMinuteUs;

  if (amount > per_minute) {
    decision.retry_after_us = kMinuteUs;
    decision.remaining = std::max<std::int64_t>(0, (now_us + kMinuteUs - base) / interval);
    decision.reset_us = base - now_us;
    return decision;
  }
  if (allow_at > now_us) {
    decision.retry_after_us = allow_at - now_us;
    decision.remaining = std::max<std::int64_t>(0, (now_us + kMinuteUs - base) / interval);
    decision.reset_us = base - now_us;
    return decision;
  }
  decision.allowed = true;
  decision.new_tat_us = new_tat;
  decision.remaining = std::max<std::int64_t>(0, (now_us + kMinuteUs - new_tat) / interval);
  decision.reset_us = new_tat - now_us;
  return decision;
}

std::int64_t gcraAdjust(std::int64_t tat_us, std::int64_t now_us, std::int64_t per_minute, std::int64_t delta) {
  // A stored time in the past means the bucket is full; given-back units cannot overfill it.
  const std::int64_t base = std::max(tat_us, now_us);
  return std::max(now_us, base + delta * intervalUs(per_minute));
}

}  // namespace pointsman::accounting
