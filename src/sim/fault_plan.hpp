// Injected failures, parsed from a model's `fault:` setting or the `x-sim-fault` header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace pointsman::sim {

/// The failures to inject into one exchange. Empty optionals mean "no such fault". Delays are
/// in unscaled milliseconds; the router applies the time scale.
struct FaultPlan {
  /// Status sent in place of the normal reply.
  std::optional<int> status;
  /// Raw body for `status`; without it the body is an OpenAI error JSON fitting the status.
  std::optional<std::string> body;
  std::optional<std::string> contentType;
  /// Value of `Retry-After`, in seconds.
  std::optional<int> retryAfterSeconds;
  /// Value of `retry-after-ms`.
  std::optional<int> retryAfterMs;
  /// Resets the TCP connection after reading the request, without a response.
  bool reset = false;
  /// Pause before anything is sent, or, with `stallAfterEvents`, after that many content events.
  std::optional<int> stallMs;
  std::optional<int> stallAfterEvents;
  std::optional<int> resetAfterEvents;
  std::optional<int> errorAfterEvents;
  std::optional<int> closeAfterEvents;

  [[nodiscard]] bool empty() const;
};

/// Parses a `;`-separated fault list such as `status=503;retry_after=7`. Returns the plan, or an
/// error message naming the invalid item. An empty text is a valid empty plan.
std::variant<FaultPlan, std::string> parseFaultPlan(std::string_view text);

}  // namespace pointsman::sim
