// Checks a Messages API request the way the Anthropic API does before it generates anything.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>

namespace pointsman::sim {

/// Returns the message of the first rule the request breaks, or nothing when it is valid: `model`
/// and a positive integer `max_tokens` are required, `messages` is a non-empty array whose roles
/// start with user and then alternate, every content is a non-empty string or a non-empty array of
/// blocks, text blocks are not empty, and each `tool_result` answers a `tool_use` id of the turn
/// before. A `system` string or text blocks may not be empty either.
std::optional<std::string> findMessagesRequestError(const nlohmann::json& body);

}  // namespace pointsman::sim
