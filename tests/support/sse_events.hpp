#pragma once

// Builders for the OpenAI chat-completion stream events the mock upstream sends. Every event is
// one `data:` line plus the blank line that ends it.

#include <string>

namespace pointsman::test {

inline constexpr const char* kUpstreamModel = "gpt-4o-mini-2024-07-18";

/// "data: <json>\n\n".
std::string sseData(const std::string& json);

/// JSON of the first chunk, whose delta only carries `role: assistant`.
std::string roleChunkJson(int index = 0);
/// JSON of a chunk whose delta carries `content`; `content` is escaped for JSON.
std::string contentChunkJson(const std::string& content, int index = 0);
/// JSON of a chunk with an empty delta and a finish reason.
std::string finishChunkJson(const std::string& reason = "stop", int index = 0);
/// JSON of the usage chunk (`choices: []`).
std::string usageChunkJson(int promptTokens, int completionTokens);

std::string roleEvent(int index = 0);
std::string contentEvent(const std::string& content, int index = 0);
std::string finishEvent(const std::string& reason = "stop", int index = 0);
std::string usageEvent(int promptTokens, int completionTokens);
/// "data: [DONE]\n\n".
std::string doneEvent();

/// A non-streamed chat completion whose message is `content`.
std::string completionJson(const std::string& content, const std::string& model = kUpstreamModel);
/// An OpenAI error body.
std::string errorJson(const std::string& message, const std::string& type,
                      const std::string& code = "", const std::string& param = "");

}  // namespace pointsman::test
