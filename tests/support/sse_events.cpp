#include "support/sse_events.hpp"

#include <nlohmann/json.hpp>

namespace pointsman::test {
namespace {

using nlohmann::json;

json chunkEnvelope() {
  return json{{"id", "chatcmpl-mock"},
              {"object", "chat.completion.chunk"},
              {"created", 1700000000},
              {"model", kUpstreamModel}};
}

json choice(int index, json delta, json finishReason) {
  return json{{"index", index}, {"delta", std::move(delta)}, {"finish_reason", finishReason}};
}

}  // namespace

std::string sseData(const std::string& json) { return "data: " + json + "\n\n"; }

std::string roleChunkJson(int index) {
  json chunk = chunkEnvelope();
  chunk["choices"] =
      json::array({choice(index, {{"role", "assistant"}, {"content", ""}}, nullptr)});
  return chunk.dump();
}

std::string contentChunkJson(const std::string& content, int index) {
  json chunk = chunkEnvelope();
  chunk["choices"] = json::array({choice(index, {{"content", content}}, nullptr)});
  // Keep non-ASCII text as raw UTF-8 so split-byte tests split real multi-byte sequences.
  return chunk.dump(-1, ' ', false, json::error_handler_t::strict);
}

std::string finishChunkJson(const std::string& reason, int index) {
  json chunk = chunkEnvelope();
  chunk["choices"] = json::array({choice(index, json::object(), reason)});
  return chunk.dump();
}

std::string usageChunkJson(int promptTokens, int completionTokens) {
  json chunk = chunkEnvelope();
  chunk["choices"] = json::array();
  chunk["usage"] = {{"prompt_tokens", promptTokens},
                    {"completion_tokens", completionTokens},
                    {"total_tokens", promptTokens + completionTokens}};
  return chunk.dump();
}

std::string roleEvent(int index) { return sseData(roleChunkJson(index)); }
std::string contentEvent(const std::string& content, int index) {
  return sseData(contentChunkJson(content, index));
}
std::string finishEvent(const std::string& reason, int index) {
  return sseData(finishChunkJson(reason, index));
}
std::string usageEvent(int promptTokens, int completionTokens) {
  return sseData(usageChunkJson(promptTokens, completionTokens));
}
std::string doneEvent() { return "data: [DONE]\n\n"; }

std::string completionJson(const std::string& content, const std::string& model) {
  json completion{
      {"id", "chatcmpl-mock"},
      {"object", "chat.completion"},
      {"created", 1700000000},
      {"model", model},
      {"choices", json::array({{{"index", 0},
                                {"message", {{"role", "assistant"}, {"content", content}}},
                                {"finish_reason", "stop"}}})},
      {"usage", {{"prompt_tokens", 9}, {"completion_tokens", 4}, {"total_tokens", 13}}}};
  return completion.dump(-1, ' ', false, json::error_handler_t::strict);
}

std::string errorJson(const std::string& message, const std::string& type, const std::string& code,
                      const std::string& param) {
  json error{{"message", message},
             {"type", type},
             {"param", param.empty() ? json(nullptr) : json(param)},
             {"code", code.empty() ? json(nullptr) : json(code)}};
  return json{{"error", error}}.dump();
}

}  // namespace pointsman::test
