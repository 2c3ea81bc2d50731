#include <pointsman/upstream/anthropic/stream_translator.hpp>

#include <pointsman/upstream/anthropic/response_translation.hpp>

#include <pointsman/api/json_fields.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::upstream::anthropic {
namespace {

using nlohmann::json;
using api::dumpJson;
using api::integerAt;
using api::memberAt;
using api::stringAt;

/// Reads the counts an event carries; a count it leaves out keeps its earlier value.
void updateCount(const json& usage, const char* key, std::int64_t& count) {
  if (usage.is_object() && usage.contains(key) && usage[key].is_number()) count = usage[key].get<std::int64_t>();
}

std::string errorPayload(const json& error) {
  const auto status = statusForErrorType(stringAt(error, "type"));
  return dumpJson(json{{"error", toOpenAiErrorObject(error, status)}});
}

}  // namespace

StreamTranslator::StreamTranslator(bool include_usage, std::int64_t created)
    : include_usage_(include_usage), created_(std::to_string(created)) {
  head_ = "{\"id\":\"\",\"object\":\"chat.completion.chunk\",\"created\":" + created_ + ",\"model\":\"\",";
}

std::string StreamTranslator::chunk(std::string_view delta_json, std::string_view finish_reason_json) const {
  std::string text = head_;
  text += "\"choices\":[{\"index\":0,\"delta\":";
  text += delta_json;
  text += ",\"logprobs\":null,\"finish_reason\":";
  text += finish_reason_json;
  text += "}]}";
  return text;
}

void StreamTranslator::translate(std::string_view data, std::vector<ChunkPayload>& out) {
  const auto event = json::parse(data, nullptr, false);
  if (!event.is_object()) {
    out.push_back({errorPayload({{"type", "api_error"}, {"message", "the Anthropic stream sent an event that is not JSON"}})});
    return;
  }
  const auto type = stringAt(event, "type");
  if (type == "message_start") {
    onMessageStart(memberAt(event, "message"), out);
  } else if (type == "content_block_start") {
    onBlockStart(event, out);
  } else if (type == "content_block_delta") {
    onBlockDelta(event, out);
  } else if (type == "message_delta") {
    onMessageDelta(event, out);
  } else if (type == "message_stop") {
    onMessageStop(out);
  } else if (type == "error") {
    out.push_back({errorPayload(memberAt(event, "error"))});
  }
  // ping and content_block_stop have no OpenAI counterpart.
}

void StreamTranslator::onMessageStart(const json& message, std::vector<ChunkPayload>& out) {
  head_ = "{\"id\":" + dumpJson(stringAt(message, "id")) + ",\"object\":\"chat.completion.chunk\",\"created\":" +
          created_ + ",\"model\":" + dumpJson(stringAt(message, "model")) + ",";
  const auto& usage = memberAt(message, "usage");
  updateCount(usage, "input_tokens", input_tokens_);
  updateCount(usage, "cache_read_input_tokens", cache_read_tokens_);
  updateCount(usage, "cache_creation_input_tokens", cache_write_tokens_);
  updateCount(usage, "output_tokens", output_tokens_);
  out.push_back({chunk(R"({"role":"assistant","content":""})", "null")});
}

void StreamTranslator::onBlockStart(const json& event, std::vector<ChunkPayload>& out) {
  const auto& block = memberAt(event, "content_block");
  const auto block_type = stringAt(block, "type");
  if (block_type == "text") {
    const auto text = stringAt(block, "text");
    if (!text.empty()) out.push_back({chunk(dumpJson(json{{"content", text}}), "null")});
    return;
  }
  if (block_type != "tool_use") return;  // thinking blocks are not relayed

  const int index = next_tool_index_++;
  tool_index_[integerAt(event, "index")] = index;
  const json call = {{"index", index},
                     {"id", stringAt(block, "id")},
                     {"type", "function"},
                     {"function", {{"name", stringAt(block, "name")}, {"arguments", ""}}}};
  out.push_back({chunk(dumpJson(json{{"tool_calls", json::array({call})}}), "null")});
}

void StreamTranslator::onBlockDelta(const json& event, std::vector<ChunkPayload>& out) {
  const auto& delta = memberAt(event, "delta");
  const auto delta_type = stringAt(delta, "type");
  if (delta_type == "text_delta") {
    const auto text = stringAt(delta, "text");
    if (!text.empty()) out.push_back({chunk(dumpJson(json{{"content", text}}), "null")});
    return;
  }
  if (delta_type != "input_json_delta") return;  // thinking, signature and citation deltas

  const auto partial = stringAt(delta, "partial_json");
  const auto tool = tool_index_.find(integerAt(event, "index"));
  if (partial.empty() || tool == tool_index_.end()) return;
  const json call = {{"index", tool->second}, {"function", {{"arguments", partial}}}};
  out.push_back({chunk(dumpJson(json{{"tool_calls", json::array({call})}}), "null")});
}

void StreamTranslator::onMessageDelta(const json& event, std::vector<ChunkPayload>& out) {
  const auto& usage = memberAt(event, "usage");
  updateCount(usage, "input_tokens", input_tokens_);
  updateCount(usage, "cache_read_input_tokens", cache_read_tokens_);
  updateCount(usage, "cache_creation_input_tokens", cache_write_tokens_);
  updateCount(usage, "output_tokens", output_tokens_);

  const auto stop_reason = stringAt(memberAt(event, "delta"), "stop_reason");
  if (stop_reason.empty() || finished_) return;
  finished_ = true;
  out.push_back({chunk("{}", "\"" + std::string(finishReasonFor(stop_reason)) + "\"")});
}

void StreamTranslator::onMessageStop(std::vector<ChunkPayload>& out) {
  if (!finished_) {
    finished_ = true;
    out.push_back({chunk("{}", "\"stop\"")});
  }
  const json usage = {{"input_tokens", input_tokens_},
                      {"cache_read_input_tokens", cache_read_tokens_},
                      {"cache_creation_input_tokens", cache_write_tokens_},
                      {"output_tokens", output_tokens_}};
  // The gateway always reads the usage chunk; the client sees it only when it asked.
  out.push_back({head_ + "\"choices\":[],\"usage\":" + dumpJson(toOpenAiUsage(usage)) + "}", include_usage_});
  out.push_back({"[DONE]"});
}

}  // namespace pointsman::upstream::anthropic
