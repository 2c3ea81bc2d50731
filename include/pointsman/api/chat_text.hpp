#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace pointsman::api {

/// Returns the text of the last user message of a chat request: its string content, or its text
/// parts joined by newlines. Empty when there is none.
std::string lastUserText(const nlohmann::json& chat_request);

/// Returns the text content of a chat completion body's first choice; empty when the body is not
/// a completion or that choice has no text.
std::string completionText(std::string_view completion_body);

}  // namespace pointsman::api
