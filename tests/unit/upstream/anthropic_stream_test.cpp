// Anthropic Messages stream events translated into OpenAI chat.completion.chunk payloads. The
// event shapes follow the published Messages streaming reference (version 2023-06-01).

#include <pointsman/api/stream_event.hpp>
#include <pointsman/http/sse_parser.hpp>
#include <pointsman/upstream/anthropic/stream_translator.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace pointsman::upstream::anthropic {
namespace {

using nlohmann::json;

std::string event(const std::string& type, const std::string& data) {
  return "event: " + type + "\ndata: " + data + "\n\n";
}

std::string messageStart(int input_tokens = 12) {
  return event("message_start", R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant",)"
                                R"("model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":)" +
                                    std::to_string(input_tokens) + R"(,"output_tokens":1}}})");
}

std::string textStart(int index) {
  return event("content_block_start", R"({"type":"content_block_start","index":)" + std::to_string(index) +
                                          R"(,"content_block":{"type":"text","text":""}})");
}

std::string textDelta(int index, const std::string& escaped_text) {
  return event("content_block_delta", R"({"type":"content_block_delta","index":)" + std::to_string(index) +
                                          R"(,"delta":{"type":"text_delta","text":")" + escaped_text + R"("}})");
}

std::string toolStart(int index, const std::string& id, const std::string& name) {
  return event("content_block_start", R"({"type":"content_block_start","index":)" + std::to_string(index) +
                                          R"(,"content_block":{"type":"tool_use","id":")" + id + R"(","name":")" +
                                          name + R"(","input":{}}})");
}

std::string jsonDelta(int index, const std::string& partial) {
  return event("content_block_delta", R"({"type":"content_block_delta","index":)" + std::to_string(index) +
                                          R"(,"delta":{"type":"input_json_delta","partial_json":)" +
                                          json(partial).dump() + "}}");
}

std::string blockStop(int index) {
  return event("content_block_stop", R"({"type":"content_block_stop","index":)" + std::to_string(index) + "}");
}

std::string messageEnd(const std::string& stop_reason, int output_tokens) {
  return event("message_delta", R"({"type":"message_delta","delta":{"stop_reason":")" + stop_reason +
                                    R"(","stop_sequence":null},"usage":{"output_tokens":)" +
                                    std::to_string(output_tokens) + "}}") +
         event("message_stop", R"({"type":"message_stop"})");
}

/// Feeds `stream` to an SSE parser in pieces of `piece_size` bytes and translates every event.
std::vector<ChunkPayload> translateStream(const std::string& stream, bool include_usage, std::size_t piece_size) {
  http::SseParser parser;
  StreamTranslator translator(include_usage, 1700000000);
  std::vector<ChunkPayload> out;
  for (std::size_t at = 0; at < stream.size(); at += piece_size) {
    parser.feed(std::string_view(stream).substr(at, piece_size));
    while (auto next = parser.next()) translator.translate(next->data, out);
  }
  return out;
}

/// The text a client assembles from the `delta.content` of every chunk.
std::string assembledText(const std::vector<ChunkPayload>& chunks) {
  std::string text;
  for (const auto& chunk : chunks) {
    if (chunk.data == "[DONE]") continue;
    const auto parsed = json::parse(chunk.data);
    if (!parsed.contains("choices") || parsed["choices"].empty()) continue;
    const auto& delta = parsed["choices"][0]["delta"];
    if (delta.contains("content") && delta["content"].is_string()) text += delta["content"].get<std::string>();
  }
  return text;
}

TEST(AnthropicStream, TextStreamBecomesChunksEndingInDone) {
  const auto stream = messageStart() + textStart(0) + event("ping", R"({"type":"ping"})") + textDelta(0, "Hello") +
                      textDelta(0, " world") + blockStop(0) + messageEnd("end_turn", 5);
  const auto chunks = translateStream(stream, false, stream.size());

  ASSERT_EQ(chunks.size(), 6u);
  const auto role = json::parse(chunks[0].data);
  EXPECT_EQ(role["id"], "msg_1");
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_EQ(role["model"], "claude-sonnet-4-5");
  EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(api::inspectStreamEvent(chunks[0].data).kind, api::StreamEventKind::Preamble);
  EXPECT_EQ(api::inspectStreamEvent(chunks[1].data).kind, api::StreamEventKind::Content);
  EXPECT_EQ(assembledText(chunks), "Hello world");
  EXPECT_EQ(json::parse(chunks[3].data)["choices"][0]["finish_reason"], "stop");
  EXPECT_FALSE(chunks[4].for_client);
  EXPECT_EQ(chunks[5].data, "[DONE]");
}

TEST(AnthropicStream, UsageChunkGoesToClientOnlyWhenAsked) {
  const auto stream = messageStart(12) + textStart(0) + textDelta(0, "a") + messageEnd("end_turn", 5);
  for (const bool include_usage : {false, true}) {
    const auto chunks = translateStream(stream, include_usage, stream.size());
    int usage_chunks = 0;
    for (const auto& chunk : chunks) {
      const auto info = api::inspectStreamEvent(chunk.data);
      if (info.kind != api::StreamEventKind::UsageOnly) continue;
      ++usage_chunks;
      EXPECT_EQ(chunk.for_client, include_usage);
      ASSERT_TRUE(info.usage);
      EXPECT_EQ(info.usage->prompt_tokens, 12);
      EXPECT_EQ(info.usage->completion_tokens, 5);
    }
    EXPECT_EQ(usage_chunks, 1);
  }
}

// A text block and two tool_use blocks whose argument fragments interleave.
TEST(AnthropicStream, ParallelToolCallsKeepIndexAndId) {
  const auto stream = messageStart() + textStart(0) + textDelta(0, "Checking.") + blockStop(0) +
                      toolStart(1, "toolu_a", "get_weather") + toolStart(2, "toolu_b", "get_time") +
                      jsonDelta(1, R"({"city":)") + jsonDelta(2, R"({"tz":)") + jsonDelta(1, R"("Paris"})") +
                      jsonDelta(2, R"("UTC"})") + blockStop(1) + blockStop(2) + messageEnd("tool_use", 30);
  const auto chunks = translateStream(stream, false, stream.size());

  std::map<int, std::string> ids;
  std::map<int, std::string> names;
  std::map<int, std::string> arguments;
  std::string finish_reason;
  for (const auto& chunk : chunks) {
    if (chunk.data == "[DONE]") continue;
    const auto parsed = json::parse(chunk.data);
    if (parsed["choices"].empty()) continue;
    const auto& choice = parsed["choices"][0];
    if (choice["finish_reason"].is_string()) finish_reason = choice["finish_reason"];
    if (!choice["delta"].contains("tool_calls")) continue;
    for (const auto& call : choice["delta"]["tool_calls"]) {
      const int index = call["index"];
      if (call.contains("id")) ids[index] = call["id"];
      if (call["function"].contains("name")) names[index] = call["function"]["name"];
      arguments[index] += call["function"]["arguments"].get<std::string>();
    }
  }
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], "toolu_a");
  EXPECT_EQ(ids[1], "toolu_b");
  EXPECT_EQ(names[0], "get_weather");
  EXPECT_EQ(names[1], "get_time");
  EXPECT_EQ(arguments[0], R"({"city":"Paris"})");
  EXPECT_EQ(arguments[1], R"({"tz":"UTC"})");
  EXPECT_EQ(finish_reason, "tool_calls");
}

// Multi-byte characters split inside text deltas at every byte, plus an escaped surrogate pair.
TEST(AnthropicStream, MultiByteTextSurvivesEverySplit) {
  const std::string expected = "你好世界 🌍 café🌍";
  const auto stream = messageStart() + textStart(0) + textDelta(0, "你好") + textDelta(0, "世界 🌍") +
                      textDelta(0, " café") + textDelta(0, "\\ud83c\\udf0d") + messageEnd("end_turn", 9);
  for (std::size_t piece = 1; piece <= 7; ++piece) {
    const auto chunks = translateStream(stream, false, piece);
    EXPECT_EQ(assembledText(chunks), expected) << "piece size " << piece;
    for (const auto& chunk : chunks) EXPECT_EQ(chunk.data.find("\xEF\xBF\xBD"), std::string::npos);
  }
}

TEST(AnthropicStream, ErrorEventBecomesOpenAiErrorWithStatus) {
  const auto stream = messageStart() + textStart(0) + textDelta(0, "a") +
                      event("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  const auto chunks = translateStream(stream, false, stream.size());
  const auto info = api::inspectStreamEvent(chunks.back().data);
  EXPECT_EQ(info.kind, api::StreamEventKind::Error);
  EXPECT_EQ(info.error_status, 503u);
  EXPECT_EQ(info.error_message, "Overloaded");
  EXPECT_EQ(json::parse(chunks.back().data)["error"]["code"], "overloaded_error");
}

TEST(AnthropicStream, MaxTokensStopGivesLength) {
  const auto stream = messageStart() + textStart(0) + textDelta(0, "a") + messageEnd("max_tokens", 1);
  const auto chunks = translateStream(stream, false, stream.size());
  EXPECT_EQ(json::parse(chunks[2].data)["choices"][0]["finish_reason"], "length");
}

TEST(AnthropicStream, EventThatIsNotJsonBecomesError) {
  StreamTranslator translator(false, 0);
  std::vector<ChunkPayload> out;
  translator.translate("{not json", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(api::inspectStreamEvent(out[0].data).kind, api::StreamEventKind::Error);
}

}  // namespace
}  // namespace pointsman::upstream::anthropic
