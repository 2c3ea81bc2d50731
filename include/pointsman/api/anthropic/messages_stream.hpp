#pragma once

// The Anthropic-compatible front door: an OpenAI chunk stream -> Anthropic Messages stream events.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::api::anthropic {

/// Translates one OpenAI `chat.completion.chunk` stream, payload by payload, into Anthropic
/// events (`event:` and `data:` lines). Text opens a text content block. Each OpenAI tool-call
/// index opens its own `tool_use` block, and argument fragments go to the block of their index,
/// so interleaved parallel calls stay apart. Open blocks stay open until the finish reason,
/// because OpenAI may interleave fragments of several calls. `[DONE]` sends `message_delta`
/// with the stop reason and usage, then `message_stop`.
class MessagesStreamTranslator {
 public:
  /// Appends the events for one `data:` payload of the OpenAI stream to `wire`.
  void translate(std::string_view openai_data, std::string& wire);

 private:
  void start(const nlohmann::json& chunk, std::string& wire);
  void addText(const std::string& text, std::string& wire);
  void addToolCall(const nlohmann::json& call, std::string& wire);
  void closeBlocks(std::string& wire);
  void finish(std::string& wire);

  bool started_ = false;
  bool finished_ = false;
  int next_block_ = 0;
  std::optional<int> text_block_;
  /// OpenAI tool-call index -> content-block index, for blocks still open.
  std::map<std::int64_t, int> tool_blocks_;
  std::string stop_reason_ = "end_turn";
  std::int64_t input_tokens_ = 0;
  std::int64_t cached_tokens_ = 0;
  std::int64_t output_tokens_ = 0;
};

}  // namespace pointsman::api::anthropic
