#pragma once

// OpenAI chat request -> Anthropic Messages request (POST /v1/messages, API version 2023-06-01).

#include <pointsman/api/api_error.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <variant>

namespace pointsman::upstream::anthropic {

/// What the translation takes from the deployment rather than from the client.
struct MessagesRequestSettings {
  /// The id the provider knows the model by; replaces the client's `model`.
  std::string model;
  /// `max_tokens` when the client sent neither `max_completion_tokens` nor `max_tokens`; the
  /// Messages API requires one.
  std::int64_t default_max_tokens = 4096;
};

/// Translates a parsed OpenAI chat request into the body of an Anthropic Messages request.
/// System and developer messages go to `system`, consecutive turns of one role are merged, tool
/// calls and tool results become `tool_use` and `tool_result` blocks with their ids. A request
/// that has no Anthropic form (no non-system message, `n` > 1, `logprobs`, audio parts,
/// arguments that are not a JSON object) returns a 400 error naming the field.
std::variant<std::string, api::ApiError> toMessagesRequest(const nlohmann::json& chat,
                                                           const MessagesRequestSettings& settings);

}  // namespace pointsman::upstream::anthropic
