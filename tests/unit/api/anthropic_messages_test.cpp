// The Anthropic-compatible front door: Messages requests to OpenAI chat requests, and OpenAI
// answers, streams and errors back to the Messages shapes (API version 2023-06-01).

#include <pointsman/api/anthropic/messages_error_writer.hpp>
#include <pointsman/api/anthropic/messages_request.hpp>
#include <pointsman/api/anthropic/messages_response.hpp>
#include <pointsman/api/anthropic/messages_stream.hpp>
#include <pointsman/http/sse_parser.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace pointsman::api::anthropic {
namespace {

using nlohmann::json;

json chatOf(const std::string& body) {
  auto result = toChatRequest(body);
  if (auto* error = std::get_if<ApiError>(&result)) {
    ADD_FAILURE() << error->message;
    return {};
  }
  return json::parse(std::get<std::string>(result));
}

TEST(MessagesRequest, SystemToolUseAndToolResultTranslate) {
  const auto chat = chatOf(R"({"model":"smart","max_tokens":100,"system":[{"type":"text","text":"Be terse."}],
    "messages":[{"role":"user","content":"Weather?"},
      {"role":"assistant","content":[{"type":"text","text":"Checking."},
        {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18 C"},
        {"type":"text","text":"And tomorrow?"}]}],
    "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],
    "tool_choice":{"type":"any","disable_parallel_tool_use":true},"stop_sequences":["END"],"stream":true})");
  ASSERT_EQ(chat["messages"].size(), 5u);
  EXPECT_EQ(chat["messages"][0], json::parse(R"({"role":"system","content":"Be terse."})"));
  EXPECT_EQ(chat["messages"][2]["tool_calls"][0]["id"], "toolu_1");
  EXPECT_EQ(json::parse(chat["messages"][2]["tool_calls"][0]["function"]["arguments"].get<std::string>()),
            json::parse(R"({"city":"Paris"})"));
  EXPECT_EQ(chat["messages"][3], json::parse(R"({"role":"tool","tool_call_id":"toolu_1","content":"18 C"})"));
  EXPECT_EQ(chat["messages"][4]["role"], "user");
  EXPECT_EQ(chat["tools"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(chat["tool_choice"], "required");
  EXPECT_EQ(chat["parallel_tool_calls"], false);
  EXPECT_EQ(chat["stop"], json::array({"END"}));
  EXPECT_EQ(chat["stream_options"]["include_usage"], true);
  EXPECT_EQ(chat["max_tokens"], 100);
}

TEST(MessagesRequest, Base64ImageBecomesDataUrl) {
  const auto chat = chatOf(R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":[
    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}]})");
  EXPECT_EQ(chat["messages"][0]["content"][0]["image_url"]["url"], "data:image/png;base64,AAAA");
}

TEST(MessagesRequest, MissingFieldsAreRejected) {
  for (const auto* body : {R"({"max_tokens":1,"messages":[{"role":"user","content":"a"}]})",
                           R"({"model":"m","messages":[{"role":"user","content":"a"}]})",
                           R"({"model":"m","max_tokens":1,"messages":[]})", "[1]"}) {
    auto result = toChatRequest(body);
    ASSERT_TRUE(std::holds_alternative<ApiError>(result)) << body;
    EXPECT_EQ(std::get<ApiError>(result).status, 400u) << body;
  }
}

TEST(MessagesResponse, CompletionBecomesMessage) {
  const auto message = json::parse(*toMessagesResponse(R"({"id":"c1","object":"chat.completion","model":"gpt",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Hi","tool_calls":[{"id":"call_1","type":"function",
      "function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":10,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":4}}})"));
  EXPECT_EQ(message["type"], "message");
  EXPECT_EQ(message["content"][0], json::parse(R"({"type":"text","text":"Hi"})"));
  EXPECT_EQ(message["content"][1]["input"], json::parse(R"({"a":1})"));
  EXPECT_EQ(message["stop_reason"], "tool_use");
  EXPECT_EQ(message["usage"]["input_tokens"], 6);
  EXPECT_EQ(message["usage"]["cache_read_input_tokens"], 4);
  EXPECT_EQ(message["usage"]["output_tokens"], 3);
}

TEST(MessagesResponse, EveryFinishReasonMaps) {
  EXPECT_EQ(stopReasonFor("stop"), "end_turn");
  EXPECT_EQ(stopReasonFor("length"), "max_tokens");
  EXPECT_EQ(stopReasonFor("tool_calls"), "tool_use");
  EXPECT_EQ(stopReasonFor("content_filter"), "refusal");
}

TEST(MessagesResponse, ErrorBodyGetsAnthropicShape) {
  const auto body = json::parse(toMessagesErrorBody(404, R"({"error":{"message":"no such model","type":"x"}})"));
  EXPECT_EQ(body["type"], "error");
  EXPECT_EQ(body["error"]["type"], "not_found_error");
  EXPECT_EQ(body["error"]["message"], "no such model");
  EXPECT_EQ(json::parse(toMessagesErrorBody(503, "{}"))["error"]["type"], "overloaded_error");
}

TEST(MessagesResponse, InBandErrorEventGetsAnthropicShape) {
  const auto data = toMessagesStreamData(R"(data: {"error":{"message":"boom","type":"server_error"}})" "\n\n");
  ASSERT_TRUE(data.starts_with("event: error\ndata: ")) << data;
  EXPECT_EQ(json::parse(data.substr(19))["error"]["message"], "boom");
  EXPECT_EQ(toMessagesStreamData(": keep-alive\n\n"), ": keep-alive\n\n");
}

/// Parses the Anthropic events of `wire` into (event name, data) pairs.
std::vector<std::pair<std::string, json>> eventsOf(const std::string& wire) {
  http::SseParser parser;
  parser.feed(wire);
  std::vector<std::pair<std::string, json>> events;
  while (auto event = parser.next()) events.emplace_back(event->event, json::parse(event->data));
  return events;
}

TEST(MessagesStream, InterleavedToolCallsGoToTheirBlocks) {
  MessagesStreamTranslator translator;
  std::string wire;
  const char* chunks[] = {
      R"({"id":"c","model":"gpt","choices":[{"index":0,"delta":{"role":"assistant","content":"Hm"}}]})",
      R"({"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","function":{"name":"w","arguments":""}}]}}]})",
      R"({"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","function":{"name":"t","arguments":""}}]}}]})",
      R"({"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]})",
      R"({"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\":"}}]}}]})",
      R"({"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]})",
      R"({"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"UTC\"}"}}]}}]})",
      R"({"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
      R"({"id":"c","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5}})",
      "[DONE]"};
  for (const auto* chunk : chunks) translator.translate(chunk, wire);

  std::map<int, std::string> ids;
  std::map<int, std::string> arguments;
  std::string text;
  const auto events = eventsOf(wire);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().first, "message_start");
  EXPECT_EQ(events.back().first, "message_stop");
  for (const auto& [name, data] : events) {
    if (name == "content_block_start" && data["content_block"]["type"] == "tool_use") {
      ids[data["index"]] = data["content_block"]["id"];
    }
    if (name == "content_block_delta" && data["delta"]["type"] == "input_json_delta") {
      arguments[data["index"]] += data["delta"]["partial_json"].get<std::string>();
    }
    if (name == "content_block_delta" && data["delta"]["type"] == "text_delta") text += data["delta"]["text"];
    if (name == "message_delta") {
      EXPECT_EQ(data["delta"]["stop_reason"], "tool_use");
      EXPECT_EQ(data["usage"]["output_tokens"], 5);
    }
  }
  EXPECT_EQ(text, "Hm");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[1], "call_a");
  EXPECT_EQ(ids[2], "call_b");
  EXPECT_EQ(arguments[1], R"({"city":"Paris"})");
  EXPECT_EQ(arguments[2], R"({"tz":"UTC"})");
}

}  // namespace
}  // namespace pointsman::api::anthropic
