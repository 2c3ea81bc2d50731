#pragma once

#include <pointsman/api/usage.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace pointsman::api {

/// What one `data:` payload of an OpenAI stream means for the relay.
enum class StreamEventKind {
  /// `[DONE]`.
  Done,
  /// Carries text, a tool call, a refusal or a finish reason: the commit point when it is the first.
  Content,
  /// Role-only or empty chunk; may be held back before the commit point.
  Preamble,
  /// `choices: []` with `usage`.
  UsageOnly,
  /// An `error` object sent in-band.
  Error,
  /// Not JSON, or JSON of an unknown shape.
  Unknown,
};

struct StreamEventInfo {
  StreamEventKind kind = StreamEventKind::Unknown;
  std::optional<Usage> usage;
  /// For Error: the upstream's message and, when it gave one, its numeric status or code.
  std::string error_message;
  unsigned error_status = 0;
};

/// Parses one event's data fully. Used before the commit point, where each event decides
/// whether the stream may still fail over.
StreamEventInfo inspectStreamEvent(std::string_view data);

/// After the commit point only usage and in-band errors matter; this skips the JSON parse for
/// events that cannot hold either.
StreamEventInfo inspectCommittedStreamEvent(std::string_view data);

}  // namespace pointsman::api
