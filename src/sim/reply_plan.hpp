// The reply sent for one request, decided before the connection writes any byte.
#pragma once

#include "sim/fault_plan.hpp"
#include "sim/stream_events.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pointsman::sim {

using Delay = std::chrono::microseconds;

/// Returns `milliseconds` multiplied by the time scale.
Delay scaledDelay(double milliseconds, double timeScale);

enum class ReplyKind {
  /// One response with a complete body.
  kBody,
  /// A chunked `text/event-stream` response.
  kStream,
  /// A TCP reset in place of a response.
  kReset,
};

/// The generated text of a stream and the events that carry it.
struct StreamScript {
  StreamEvents events;
  std::uint64_t seed = 0;
  int tokenCount = 0;
  std::string finishReason;
  TokenUsage usage;
  /// When not empty, these events replace the token events, such as the chunks of a tool call.
  std::vector<std::string> presetEvents;
  /// When set, these events replace the role event, the closing events ([DONE] included) and the
  /// `error_after_events` error event; the Anthropic Messages stream sets all three.
  std::optional<std::string> headEvents;
  std::optional<std::string> tailEvents;
  std::optional<std::string> errorEvent;
};

/// The stream faults of FaultPlan, with the pause already scaled.
struct StreamFaults {
  std::optional<int> stallAfterEvents;
  Delay stall{0};
  std::optional<int> resetAfterEvents;
  std::optional<int> errorAfterEvents;
  std::optional<int> closeAfterEvents;
};

struct ReplyPlan {
  ReplyKind kind = ReplyKind::kBody;
  /// Sent as `x-request-id`: `sim-` and the request's sequence number.
  std::string requestId;
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  /// Headers besides content type, length and `x-request-id`, such as `Retry-After`.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Pause before anything is sent (the `stall_ms` fault).
  Delay stall{0};
  /// For a body: the whole generation time, sent before the headers. For a stream: the time to
  /// the first content event, after the headers and the role event.
  Delay firstTokenDelay{0};
  /// Pause between two content events of a stream.
  Delay tokenInterval{0};
  std::optional<StreamScript> stream;
  StreamFaults streamFaults;
};

/// Returns a plan that sends an OpenAI error JSON with `status`.
ReplyPlan makeErrorPlan(int status, std::string_view message, std::string_view param = {},
                        std::string_view code = {});

/// Returns a plan that sends `body` as JSON with status 200.
ReplyPlan makeJsonPlan(std::string body);

/// Returns the plan for the status or reset faults of `fault`, or nothing when it has neither.
/// The `stall_ms` pause of `fault` is applied in either case by the caller.
std::optional<ReplyPlan> makeFaultReply(const FaultPlan& fault);

}  // namespace pointsman::sim
