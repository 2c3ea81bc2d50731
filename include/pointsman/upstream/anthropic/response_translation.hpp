#pragma once

// Anthropic Messages responses and errors -> the OpenAI chat completion shapes.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::upstream::anthropic {

/// The OpenAI `finish_reason` for an Anthropic `stop_reason`: end_turn, stop_sequence and
/// pause_turn give "stop", max_tokens and model_context_window_exceeded give "length", tool_use
/// gives "tool_calls", refusal gives "content_filter". An unknown reason gives "stop".
std::string_view finishReasonFor(std::string_view stop_reason);

/// An OpenAI `usage` object from an Anthropic one. Anthropic counts cache reads and cache writes
/// apart from `input_tokens`, so `prompt_tokens` is their sum, `prompt_tokens_details.cached_tokens`
/// the cache reads and `prompt_tokens_details.cache_write_tokens` the cache writes.
nlohmann::json toOpenAiUsage(const nlohmann::json& usage);

/// Translates a Messages response body (`"type":"message"`) into a `chat.completion` body: text
/// blocks joined into `message.content`, `tool_use` blocks into `tool_calls` with the input as a
/// JSON string. Thinking blocks are left out. Nothing when the body is not a Messages response.
std::optional<std::string> toChatCompletion(std::string_view message_body, std::int64_t created);

/// An Anthropic error translated for an OpenAI client and the retry layer.
struct TranslatedError {
  /// 529 (overloaded) becomes 503; other statuses stay.
  unsigned status = 502;
  /// `{"error":{"message","type","param","code"}}`; `code` is the Anthropic error type, or
  /// `context_length_exceeded` for a prompt that is too long.
  std::string body;
};

/// Translates an Anthropic error response (`{"type":"error","error":{"type","message"}}`). A body
/// of another shape is kept as the message.
TranslatedError toOpenAiError(unsigned status, std::string_view body);

/// The OpenAI `error` object for an Anthropic `error` object, with the HTTP `status` its type
/// stands for (e.g. 503 for overloaded_error), so the relay can tell the status of an in-band error.
nlohmann::json toOpenAiErrorObject(const nlohmann::json& error, unsigned status);

/// The HTTP status an Anthropic error type stands for, e.g. 429 for rate_limit_error.
unsigned statusForErrorType(std::string_view type);

}  // namespace pointsman::upstream::anthropic
