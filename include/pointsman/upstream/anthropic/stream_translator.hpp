#pragma once

// Anthropic Messages stream events -> OpenAI `chat.completion.chunk` payloads.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::upstream::anthropic {

/// One OpenAI `data:` payload produced by the translator.
struct ChunkPayload {
  /// A chunk's JSON, `[DONE]`, or an `{"error":{...}}` object.
  std::string data;
  /// False for the usage chunk that only the gateway reads, because the client did not set
  /// `stream_options.include_usage`.
  bool for_client = true;
};

/// Translates one Anthropic stream, event by event, into OpenAI chunks. It works on whole SSE
/// events only, so text is decoded after framing and a character split across reads stays whole.
/// Each `tool_use` content block gets the next tool-call index (0, 1, ...) and keeps its id, so
/// parallel tool calls stay separate even when their argument fragments interleave.
class StreamTranslator {
 public:
  /// `include_usage`: the client asked for the usage chunk. `created`: Unix seconds for `created`.
  StreamTranslator(bool include_usage, std::int64_t created);

  /// Appends the payloads for one event's data (message_start, content_block_start,
  /// content_block_delta, content_block_stop, message_delta, message_stop, ping, error). Data that
  /// is not JSON produces an error payload; unknown event types produce nothing.
  void translate(std::string_view data, std::vector<ChunkPayload>& out);

 private:
  void onMessageStart(const nlohmann::json& message, std::vector<ChunkPayload>& out);
  void onBlockStart(const nlohmann::json& event, std::vector<ChunkPayload>& out);
  void onBlockDelta(const nlohmann::json& event, std::vector<ChunkPayload>& out);
  void onMessageDelta(const nlohmann::json& event, std::vector<ChunkPayload>& out);
  void onMessageStop(std::vector<ChunkPayload>& out);
  /// A chunk whose first choice has `delta_json` and `finish_reason_json` (`null` or a string).
  [[nodiscard]] std::string chunk(std::string_view delta_json, std::string_view finish_reason_json) const;

  bool include_usage_;
  std::string created_;
  /// `{"id":...,"object":"chat.completion.chunk","created":...,"model":...,` for every chunk.
  std::string head_;
  /// Content-block index -> tool-call index, for `tool_use` blocks only.
  std::map<std::int64_t, int> tool_index_;
  int next_tool_index_ = 0;
  std::int64_t input_tokens_ = 0;
  std::int64_t cache_read_tokens_ = 0;
  std::int64_t cache_write_tokens_ = 0;
  std::int64_t output_tokens_ = 0;
  bool finished_ = false;
};

}  // namespace pointsman::upstream::anthropic
