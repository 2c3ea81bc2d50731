#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pointsman::api {

/// Replays a whole chat completion as the event stream the OpenAI API would have sent: a chunk
/// with the role, the content and any tool calls, a chunk with the finish reason, the usage chunk
/// when `include_usage`, and `[DONE]`. A cascade holds a cheap answer until it passes its checks,
/// so a client that asked to stream gets it this way. Nothing for a body that is not a chat
/// completion.
std::optional<std::string> completionAsEventStream(std::string_view completion_body, bool include_usage);

/// The client's chat request body turned into a non-streamed one: `stream` false and
/// `stream_options` removed, the rest unchanged. Nothing for a body that is not a JSON object.
std::optional<std::string> withoutStreaming(std::string_view request_body);

/// True when a chat request body asks for `stream_options.include_usage`.
bool asksForStreamUsage(std::string_view request_body);

}  // namespace pointsman::api
