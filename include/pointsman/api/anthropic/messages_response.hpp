#pragma once

// The Anthropic-compatible front door: OpenAI answers and errors -> Anthropic Messages shapes.

#include <optional>
#include <string>
#include <string_view>

namespace pointsman::api::anthropic {

/// The Anthropic `stop_reason` for an OpenAI `finish_reason`: stop gives end_turn, length gives
/// max_tokens, tool_calls and function_call give tool_use, content_filter gives refusal.
std::string_view stopReasonFor(std::string_view finish_reason);

/// Translates a `chat.completion` body into a Messages response (`"type":"message"`): the text as
/// one text block, each tool call as a `tool_use` block whose input is the parsed arguments.
/// Cached prompt tokens move from `input_tokens` to `cache_read_input_tokens`. Nothing when the
/// body is not a chat completion.
std::optional<std::string> toMessagesResponse(std::string_view completion_body);

/// The Anthropic error type for an HTTP status, e.g. `overloaded_error` for 503.
std::string_view errorTypeForStatus(unsigned status);

/// Rewrites an OpenAI error body (`{"error":{"message",...}}`) as an Anthropic one
/// (`{"type":"error","error":{"type","message"}}`), typed by `status`. A body of another shape
/// becomes the message.
std::string toMessagesErrorBody(unsigned status, std::string_view openai_error_body);

}  // namespace pointsman::api::anthropic
