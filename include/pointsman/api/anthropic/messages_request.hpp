#pragma once

// The Anthropic-compatible front door: an Anthropic Messages request -> an OpenAI chat request.

#include <pointsman/api/api_error.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace pointsman::api::anthropic {

/// Translates the body of a `POST /v1/messages` request into an OpenAI chat request body, so the
/// gateway can route and validate it like any chat request. `system` becomes the first message,
/// `tool_use` blocks become `tool_calls` and `tool_result` blocks become `tool` messages placed
/// before the rest of their turn. A streamed request also asks for the usage chunk. Returns a 400
/// error naming the field for a body that is not a valid Messages request.
std::variant<std::string, ApiError> toChatRequest(std::string_view messages_body);

}  // namespace pointsman::api::anthropic
