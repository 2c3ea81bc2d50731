#pragma once

#include <chrono>
#include <optional>
#include <pointsman/upstream/retry_policy.hpp>
#include <string_view>

namespace pointsman::upstream {

/// The wait before the next attempt, already shortened to end before the deadline.
struct RetryDelay {
  std::chrono::milliseconds delay{0};
  /// False when the computed delay would reach the deadline. `delay` is then the time left, and the
  /// caller should not start the attempt.
  bool fits_deadline = true;
};

/// Exponential backoff with full jitter: a delay drawn uniformly from [0, cap), where the cap is
/// `base_backoff * 2^(retry_number - 1)` limited to `max_backoff`. `retry_number` counts retries
/// from 1; `uniform01` is a random number in [0, 1) from the caller's source.
std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int retry_number,
                                       double uniform01);

/// Parses the upstream's delay hint. A valid `retry_after_ms` (milliseconds) wins. Otherwise
/// `retry_after` is read as delta-seconds or as an IMF-fixdate HTTP date such as
/// "Sun, 06 Nov 1994 08:49:37 GMT", counted from `now`. Returns nothing for empty, negative or
/// malformed values, and zero for a date in the past.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view retry_after,
                                                         std::string_view retry_after_ms,
                                                         std::chrono::system_clock::time_point now);

/// The wait before retry number `retry_number`: the larger of the jittered backoff and the
/// upstream's hint, shortened so that the wait never ends after `deadline`.
RetryDelay nextDelay(const RetryPolicy& policy, int retry_number, double uniform01,
                     std::optional<std::chrono::milliseconds> upstream_delay,
                     std::chrono::steady_clock::time_point now,
                     std::chrono::steady_clock::time_point deadline);

}  // namespace pointsman::upstream
