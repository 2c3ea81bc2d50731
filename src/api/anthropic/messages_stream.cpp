#include <pointsman/api/anthropic/messages_stream.hpp>

#include <pointsman/api/anthropic/messages_response.hpp>

#include <pointsman/api/json_fields.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::api::anthropic {
namespace {

using nlohmann::json;

void appendEvent(std::string& wire, std::string_view type, const json& data) {
  wire += "event: ";
  wire += type;
  wire += "\ndata: ";
  wire += data.dump(-1, ' ', false, json::error_handler_t::replace);
  wire += "\n\n";
}

}  // namespace

void MessagesStreamTranslator::translate(std::string_view openai_data, std::string& wire) {
  if (openai_data == "[DONE]") {
    finish(wire);
    return;
  }
  const auto chunk = json::parse(openai_data, nullptr, false);
  if (const auto& error = memberAt(chunk, "error"); !error.is_null()) {
    const auto status = static_cast<unsigned>(integerAt(error, "status"));
    appendEvent(wire, "error", {{"type", "error"},
                                {"error", {{"type", std::string(errorTypeForStatus(status ? status : 500))},
                                           {"message", stringAt(error, "message")}}}});
    return;
  }
  if (!chunk.is_object()) return;
  if (!started_) start(chunk, wire);

  if (const auto& usage = memberAt(chunk, "usage"); usage.is_object()) {
    input_tokens_ = integerAt(usage, "prompt_tokens");
    output_tokens_ = integerAt(usage, "completion_tokens");
    cached_tokens_ = integerAt(memberAt(usage, "prompt_tokens_details"), "cached_tokens");
  }
  const auto& choices = memberAt(chunk, "choices");
  if (!choices.is_array() || choices.empty()) return;
  const auto& choice = choices[0];
  const auto& delta = memberAt(choice, "delta");
  if (const auto text = stringAt(delta, "content"); !text.empty()) addText(text, wire);
  if (const auto& calls = memberAt(delta, "tool_calls"); calls.is_array()) {
    for (const auto& call : calls) addToolCall(call, wire);
  }
  if (const auto reason = stringAt(choice, "finish_reason"); !reason.empty()) {
    stop_reason_ = std::string(stopReasonFor(reason));
    closeBlocks(wire);
  }
}

void MessagesStreamTranslator::start(const json& chunk, std::string& wire) {
  started_ = true;
  const json message = {{"id", stringAt(chunk, "id")},
                        {"type", "message"},
                        {"role", "assistant"},
                        {"model", stringAt(chunk, "model")},
                        {"content", json::array()},
                        {"stop_reason", nullptr},
                        {"stop_sequence", nullptr},
                        {"usage", {{"input_tokens", 0}, {"output_tokens", 0}}}};
  appendEvent(wire, "message_start", {{"type", "message_start"}, {"message", message}});
}

void MessagesStreamTranslator::addText(const std::string& text, std::string& wire) {
  if (!text_block_) {
    // A text block after tool calls starts a new block; the tool blocks stay open.
    text_block_ = next_block_++;
    appendEvent(wire, "content_block_start", {{"type", "content_block_start"}, {"index", *text_block_},
                                              {"content_block", {{"type", "text"}, {"text", ""}}}});
  }
  appendEvent(wire, "content_block_delta", {{"type", "content_block_delta"}, {"index", *text_block_},
                                            {"delta", {{"type", "text_delta"}, {"text", text}}}});
}

void MessagesStreamTranslator::addToolCall(const json& call, std::string& wire) {
  const auto index = integerAt(call, "index");
  auto block = tool_blocks_.find(index);
  if (block == tool_blocks_.end()) {
    if (text_block_) {
      appendEvent(wire, "content_block_stop", {{"type", "content_block_stop"}, {"index", *text_block_}});
      text_block_.reset();
    }
    block = tool_blocks_.emplace(index, next_block_++).first;
    const auto& function = memberAt(call, "function");
    appendEvent(wire, "content_block_start",
                {{"type", "content_block_start"}, {"index", block->second},
                 {"content_block", {{"type", "tool_use"}, {"id", stringAt(call, "id")},
                                    {"name", stringAt(function, "name")}, {"input", json::object()}}}});
  }
  const auto arguments = stringAt(memberAt(call, "function"), "arguments");
  if (arguments.empty()) return;
  appendEvent(wire, "content_block_delta", {{"type", "content_block_delta"}, {"index", block->second},
                                            {"delta", {{"type", "input_json_delta"}, {"partial_json", arguments}}}});
}

void MessagesStreamTranslator::closeBlocks(std::string& wire) {
  if (text_block_) appendEvent(wire, "content_block_stop", {{"type", "content_block_stop"}, {"index", *text_block_}});
  text_block_.reset();
  for (const auto& [tool, block] : tool_blocks_) {
    appendEvent(wire, "content_block_stop", {{"type", "content_block_stop"}, {"index", block}});
  }
  tool_blocks_.clear();
}

void MessagesStreamTranslator::finish(std::string& wire) {
  if (finished_) return;
  finished_ = true;
  if (!started_) start(json::object(), wire);
  closeBlocks(wire);
  const json usage = {{"input_tokens", input_tokens_ - cached_tokens_},
                      {"output_tokens", output_tokens_},
                      {"cache_read_input_tokens", cached_tokens_}};
  appendEvent(wire, "message_delta", {{"type", "message_delta"},
                                      {"delta", {{"stop_reason", stop_reason_}, {"stop_sequence", nullptr}}},
                                      {"usage", usage}});
  appendEvent(wire, "message_stop", {{"type", "message_stop"}});
}

}  // namespace pointsman::api::anthropic
