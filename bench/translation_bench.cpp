// Added latency of the Anthropic translations, per non-streamed request and per streamed event,
// in both directions: an OpenAI client of an Anthropic deployment (request, response, stream
// events) and an Anthropic client of an OpenAI deployment on the /v1/messages front door. Every
// case includes the JSON parsing and serialization that the gateway does for the translation.

#include <pointsman/api/anthropic/messages_request.hpp>
#include <pointsman/api/anthropic/messages_response.hpp>
#include <pointsman/api/anthropic/messages_stream.hpp>
#include <pointsman/upstream/anthropic/request_translation.hpp>
#include <pointsman/upstream/anthropic/response_translation.hpp>
#include <pointsman/upstream/anthropic/stream_translator.hpp>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using namespace pointsman;

/// A chat request of typical size: a system message, three turns, a tool call with its result
/// and two tool definitions (about 1.2 KB).
constexpr std::string_view kChatRequest = R"({"model":"smart","max_tokens":512,"temperature":0.3,
  "messages":[
    {"role":"system","content":"You are a concise assistant for a railway operations team. Answer in English."},
    {"role":"user","content":"Which signals protect the junction at Crewe North, and what is the weather there?"},
    {"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function",
      "function":{"name":"get_weather","arguments":"{\"location\":\"Crewe\"}"}}]},
    {"role":"tool","tool_call_id":"call_1","content":"Light rain, 9 degrees Celsius, wind 20 km/h from the west."},
    {"role":"user","content":[{"type":"text","text":"Summarise both answers in three short bullet points."}]}],
  "tools":[
    {"type":"function","function":{"name":"get_weather","description":"Current weather at a place",
      "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}},
    {"type":"function","function":{"name":"get_signals","description":"Signals that protect a junction",
      "parameters":{"type":"object","properties":{"junction":{"type":"string"}},"required":["junction"]}}}]})";

/// A Messages response of typical size: about 120 words of text and the usage with cache fields.
const std::string kMessagesResponse = R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
  "content":[{"type":"text","text":")" + std::string(600, 'w') + R"("}],
  "stop_reason":"end_turn","stop_sequence":null,
  "usage":{"input_tokens":310,"cache_read_input_tokens":1200,"cache_creation_input_tokens":0,"output_tokens":140}})";

/// The matching chat completion, for the front door's direction.
const std::string kChatCompletion = R"({"id":"chatcmpl-1","object":"chat.completion","created":1800000000,"model":"gpt-4o",
  "choices":[{"index":0,"message":{"role":"assistant","content":")" + std::string(600, 'w') + R"("},
    "finish_reason":"stop"}],
  "usage":{"prompt_tokens":1510,"completion_tokens":140,"total_tokens":1650,"prompt_tokens_details":{"cached_tokens":1200}}})";

/// An Anthropic Messages request as an Anthropic SDK sends it to the front door.
constexpr std::string_view kMessagesRequest = R"({"model":"smart","max_tokens":512,"system":"You are a concise assistant.",
  "messages":[
    {"role":"user","content":"Which signals protect the junction at Crewe North?"},
    {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_signals","input":{"junction":"Crewe North"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"CN12, CN14 and CN15"},
                              {"type":"text","text":"Summarise in one sentence."}]}],
  "tools":[{"name":"get_signals","description":"Signals that protect a junction",
            "input_schema":{"type":"object","properties":{"junction":{"type":"string"}}}}]})";

/// One streamed text event of a few tokens, the most frequent event of an Anthropic stream.
constexpr std::string_view kTextDelta =
    R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" the signal at"}})";

/// One streamed OpenAI content chunk of a few tokens.
constexpr std::string_view kContentChunk =
    R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1800000000,"model":"gpt-4o",)"
    R"("choices":[{"index":0,"delta":{"content":" the signal at"},"logprobs":null,"finish_reason":null}]})";

// OpenAI client, Anthropic deployment: the request as the executor builds it (parse, translate,
// serialize).
void BM_ChatRequestToMessages(benchmark::State& state) {
  const upstream::anthropic::MessagesRequestSettings settings{"claude-sonnet-4-5", 4096};
  for (auto _ : state) {
    const auto chat = nlohmann::json::parse(kChatRequest, nullptr, false);
    auto translated = upstream::anthropic::toMessagesRequest(chat, settings);
    benchmark::DoNotOptimize(translated);
  }
}
BENCHMARK(BM_ChatRequestToMessages);

void BM_MessagesResponseToCompletion(benchmark::State& state) {
  for (auto _ : state) {
    auto completion = upstream::anthropic::toChatCompletion(kMessagesResponse, 1'800'000'000);
    benchmark::DoNotOptimize(completion);
  }
}
BENCHMARK(BM_MessagesResponseToCompletion);

// Both translations of one non-streamed request together: the added latency per request.
void BM_NonStreamedRequestToAnthropic(benchmark::State& state) {
  const upstream::anthropic::MessagesRequestSettings settings{"claude-sonnet-4-5", 4096};
  for (auto _ : state) {
    const auto chat = nlohmann::json::parse(kChatRequest, nullptr, false);
    auto translated = upstream::anthropic::toMessagesRequest(chat, settings);
    auto completion = upstream::anthropic::toChatCompletion(kMessagesResponse, 1'800'000'000);
    benchmark::DoNotOptimize(translated);
    benchmark::DoNotOptimize(completion);
  }
}
BENCHMARK(BM_NonStreamedRequestToAnthropic);

void BM_AnthropicStreamEvent(benchmark::State& state) {
  upstream::anthropic::StreamTranslator translator(true, 1'800'000'000);
  std::vector<upstream::anthropic::ChunkPayload> payloads;
  translator.translate(R"({"type":"message_start","message":{"id":"msg_01","model":"claude-sonnet-4-5",)"
                       R"("usage":{"input_tokens":310,"output_tokens":1}}})",
                       payloads);
  translator.translate(R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})",
                       payloads);
  for (auto _ : state) {
    payloads.clear();
    translator.translate(kTextDelta, payloads);
    benchmark::DoNotOptimize(payloads.data());
  }
}
BENCHMARK(BM_AnthropicStreamEvent);

// Anthropic client, OpenAI deployment (the front door).
void BM_FrontDoorRequestToChat(benchmark::State& state) {
  for (auto _ : state) {
    auto chat = api::anthropic::toChatRequest(kMessagesRequest);
    benchmark::DoNotOptimize(chat);
  }
}
BENCHMARK(BM_FrontDoorRequestToChat);

void BM_FrontDoorCompletionToMessage(benchmark::State& state) {
  for (auto _ : state) {
    auto message = api::anthropic::toMessagesResponse(kChatCompletion);
    benchmark::DoNotOptimize(message);
  }
}
BENCHMARK(BM_FrontDoorCompletionToMessage);

void BM_FrontDoorStreamChunk(benchmark::State& state) {
  api::anthropic::MessagesStreamTranslator translator;
  std::string wire;
  translator.translate(kContentChunk, wire);
  for (auto _ : state) {
    wire.clear();
    translator.translate(kContentChunk, wire);
    benchmark::DoNotOptimize(wire.data());
  }
}
BENCHMARK(BM_FrontDoorStreamChunk);

}  // namespace
