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
  /// Ends a chat completion, streamed or not, with `finish_reason: content_filter` after its text,
  /// as Azure OpenAI does when its content filter stops a completion.
  bool contentFilter = false;
  /// Share of requests, from 0 to 100, that this plan applies to. Only pickFaultAlternative reads
  /// it. Unset means 100.
  std::optional<int> percent;

  [[nodiscard]] bool empty() const;
};

/// Parses a `;`-separated fault list such as `status=503;retry_after=7`. Returns the plan, or an
/// error message naming the invalid item. An empty text is a valid empty plan.
std::variant<FaultPlan, std::string> parseFaultPlan(std::string_view text);

/// Checks a fault list made of alternatives separated by `|`, such as
/// `percent=10;status=500 | percent=20;reset`. Returns an error message when an alternative is
/// invalid or the alternatives' `percent` values add up to more than 100.
std::optional<std::string> checkFaultList(std::string_view list);

/// Picks the alternative of `list` that one request gets. Alternative i covers the draws from the
/// sum of the earlier alternatives' `percent` up to that sum plus its own (100 when it sets none),
/// so `draw`, a uniform integer from 0 to 99, selects at most one. Returns the alternative's text,
/// or an empty view when `draw` falls past every alternative. An invalid alternative is returned
/// as it is, so that parsing it reports the error.
std::string_view pickFaultAlternative(std::string_view list, int draw);

}  // namespace pointsman::sim
