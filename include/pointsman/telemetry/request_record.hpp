#pragma once

#include <cstdint>
#include <string>

namespace pointsman::telemetry {

/// What the access line and the request log say about one request. Never a key or a prompt.
struct RequestRecord {
  std::string request_id;
  std::string endpoint;
  /// The name the client put in `model`, and the route and deployment it resolved to; kept
  /// apart so metering never loses either.
  std::string requested_model;
  std::string route;
  std::string policy;
  std::string deployment;
  std::string decision;
  /// The full decision trace as one JSON object (route::DecisionTrace); empty when the route had
  /// no policy to trace. It holds feature values and config names, never prompt text or keys.
  std::string decision_trace;
  unsigned status = 0;
  int attempts = 0;
  bool stream = false;
  std::string flags;
  double total_ms = 0;
  double time_to_first_token_ms = -1;  // negative: not a stream, or no content arrived
  double overhead_us = 0;
  std::int64_t prompt_tokens = -1;      // negative: the upstream reported no usage
  std::int64_t completion_tokens = -1;
  std::int64_t cached_prompt_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  /// The client key's name (never the key) and tier; empty when `auth: none`.
  std::string key_name;
  std::string tier;
  /// Charged cost in USD; negative when nothing was charged (rejected before admission).
  double cost_usd = -1;
  /// True when the cost is an estimate because the upstream reported no usage.
  bool cost_estimated = false;
  std::string upstream_request_id;
  std::string error;
};

/// One key=value access line, e.g. `req=7f3a route=fast deployment=mini attempts=2 status=200 ...`.
std::string formatAccessLine(const RequestRecord& record);

/// The same fields as one JSON object (no trailing newline).
std::string formatRequestLogJson(const RequestRecord& record);

}  // namespace pointsman::telemetry
