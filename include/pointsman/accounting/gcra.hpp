#pragma once

#include <cstdint>

namespace pointsman::accounting {

/// The outcome of one GCRA (generic cell rate algorithm) check. Times are microseconds.
struct GcraDecision {
  bool allowed = false;
  /// The theoretical arrival time to store when allowed; the old one stays otherwise.
  std::int64_t new_tat_us = 0;
  /// Units still available at once after this decision.
  std::int64_t remaining = 0;
  /// Time until the limit is fully available again.
  std::int64_t reset_us = 0;
  /// When rejected: time until `amount` would fit.
  std::int64_t retry_after_us = 0;
};

/// Checks `amount` units against a limit of `per_minute` units per minute that allows the whole
/// minute's worth at once. `tat_us` is the stored theoretical arrival time (0 when new), `now_us`
/// the current time on the same clock. Pure, so the memory store and the Redis script (which
/// repeats it in Lua) follow one definition. An amount above `per_minute` can never fit and is
/// rejected with a retry after one minute.
GcraDecision gcraCheck(std::int64_t tat_us, std::int64_t now_us, std::int64_t per_minute, std::int64_t amount);

/// Moves a stored arrival time by `delta` units (negative gives units back), as TPM does when
/// the real token count replaces the estimate.
std::int64_t gcraAdjust(std::int64_t tat_us, std::int64_t now_us, std::int64_t per_minute, std::int64_t delta);

}  // namespace pointsman::accounting
