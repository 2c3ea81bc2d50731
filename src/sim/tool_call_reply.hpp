// The tool call the simulator returns when a chat request offers tools and mentions the weather.
#pragma once

#include "sim/exchange_context.hpp"
#include "sim/reply_plan.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>

namespace pointsman::sim {

/// Returns the name of the first function in `tools` when the request has a non-empty `tools`
/// array and the text of its last message contains "weather" in any letter case.
std::optional<std::string> findWeatherTool(const nlohmann::json& body);

/// Turns `script` into a call of `functionName` with the arguments `{"location":"Paris"}`: sets
/// the stream events, the finish reason `tool_calls` and the completion tokens. Returns the
/// non-streamed `chat.completion` body.
std::string makeToolCallReply(const ExchangeContext& context, const std::string& functionName,
                              StreamScript& script);

}  // namespace pointsman::sim
