// OpenAI chat requests translated for the Anthropic Messages API (version 2023-06-01). The
// expected shapes follow Anthropic's published Messages API reference.

#include <pointsman/upstream/anthropic/request_translation.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pointsman::upstream::anthropic {
namespace {

using nlohmann::json;

MessagesRequestSettings settings() { return {"claude-sonnet-4-5", 2048}; }

json translate(const json& chat) {
  auto result = toMessagesRequest(chat, settings());
  if (auto* error = std::get_if<api::ApiError>(&result)) {
    ADD_FAILURE() << "unexpected error: " << error->message;
    return {};
  }
  return json::parse(std::get<std::string>(result));
}

api::ApiError translateError(const json& chat) {
  auto result = toMessagesRequest(chat, settings());
  if (std::holds_alternative<std::string>(result)) {
    ADD_FAILURE() << "expected an error, got " << std::get<std::string>(result);
    return {};
  }
  return std::get<api::ApiError>(result);
}

TEST(AnthropicRequest, SystemMessagesJoinInOrderAndImageBecomesBase64Block) {
  const auto chat = json::parse(R"({"model":"sonnet","messages":[
    {"role":"system","content":[{"type":"text","text":"Be terse."}]},
    {"role":"system","content":"Answer in French."},
    {"role":"user","content":[{"type":"text","text":"What is this?"},
      {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]})");
  const auto out = translate(chat);

  EXPECT_EQ(out["model"], "claude-sonnet-4-5");
  EXPECT_EQ(out["max_tokens"], 2048);
  ASSERT_EQ(out["system"].size(), 2u);
  EXPECT_EQ(out["system"][0]["text"], "Be terse.");
  EXPECT_EQ(out["system"][1]["text"], "Answer in French.");
  ASSERT_EQ(out["messages"].size(), 1u);
  const auto& content = out["messages"][0]["content"];
  ASSERT_EQ(content.size(), 2u);
  EXPECT_EQ(content[0], json::parse(R"({"type":"text","text":"What is this?"})"));
  EXPECT_EQ(content[1]["source"], json::parse(R"({"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="})"));
}

TEST(AnthropicRequest, ImageUrlBecomesUrlSource) {
  const auto out = translate(json::parse(R"({"messages":[{"role":"user","content":[
    {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]})"));
  EXPECT_EQ(out["messages"][0]["content"][0]["source"],
            json::parse(R"({"type":"url","url":"https://example.com/cat.jpg"})"));
}

TEST(AnthropicRequest, ToolCallTurnHasNoEmptyTextAndToolResultKeepsId) {
  const auto out = translate(json::parse(R"({"messages":[
    {"role":"user","content":"Weather in Paris?"},
    {"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function",
      "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
    {"role":"tool","tool_call_id":"call_1","content":"18 C"}]})"));

  ASSERT_EQ(out["messages"].size(), 3u);
  const auto& assistant = out["messages"][1];
  EXPECT_EQ(assistant["role"], "assistant");
  ASSERT_EQ(assistant["content"].size(), 1u);
  EXPECT_EQ(assistant["content"][0],
            json::parse(R"({"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}})"));
  const auto& result = out["messages"][2];
  EXPECT_EQ(result["role"], "user");
  EXPECT_EQ(result["content"][0]["type"], "tool_result");
  EXPECT_EQ(result["content"][0]["tool_use_id"], "call_1");
  EXPECT_EQ(result["content"][0]["content"][0]["text"], "18 C");
}

TEST(AnthropicRequest, ParallelToolResultsMergeIntoOneUserTurn) {
  const auto out = translate(json::parse(R"({"messages":[
    {"role":"user","content":"Both please"},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"call_a","type":"function","function":{"name":"a","arguments":"{}"}},
      {"id":"call_b","type":"function","function":{"name":"b","arguments":""}}]},
    {"role":"tool","tool_call_id":"call_a","content":"1"},
    {"role":"tool","tool_call_id":"call_b","content":"2"},
    {"role":"user","content":"Thanks"}]})"));
  ASSERT_EQ(out["messages"].size(), 3u);
  const auto& turn = out["messages"][2]["content"];
  ASSERT_EQ(turn.size(), 3u);
  EXPECT_EQ(turn[0]["tool_use_id"], "call_a");
  EXPECT_EQ(turn[1]["tool_use_id"], "call_b");
  EXPECT_EQ(turn[2]["text"], "Thanks");
  EXPECT_EQ(out["messages"][1]["content"][1]["input"], json::object());
}

TEST(AnthropicRequest, OnlySystemMessageIsRejected) {
  const auto error = translateError(json::parse(R"({"messages":[{"role":"system","content":"Hi"}]})"));
  EXPECT_EQ(error.status, 400u);
  EXPECT_EQ(error.param, "messages");
  EXPECT_NE(error.message.find("non-system"), std::string::npos);
}

TEST(AnthropicRequest, EmptySystemMessageIsLeftOut) {
  const auto out = translate(json::parse(R"({"messages":[{"role":"system","content":""},
    {"role":"user","content":"Hi"}]})"));
  EXPECT_FALSE(out.contains("system"));
  EXPECT_EQ(out["messages"][0]["content"][0]["text"], "Hi");
}

TEST(AnthropicRequest, ConsecutiveUserTurnsMerge) {
  const auto out = translate(json::parse(R"({"messages":[{"role":"user","content":"a"},
    {"role":"user","content":"b"},{"role":"assistant","content":"c"},{"role":"assistant","content":"d"}]})"));
  ASSERT_EQ(out["messages"].size(), 2u);
  EXPECT_EQ(out["messages"][0]["content"].size(), 2u);
  EXPECT_EQ(out["messages"][1]["content"].size(), 2u);
}

TEST(AnthropicRequest, SamplingFieldsAndMetadataMap) {
  const auto out = translate(json::parse(R"({"messages":[{"role":"user","content":"a"}],
    "max_tokens":100,"max_completion_tokens":50,"temperature":1.5,"top_p":0.9,"stop":"END",
    "user":"u-42","stream":true})"));
  EXPECT_EQ(out["max_tokens"], 50);
  EXPECT_EQ(out["temperature"], 1.0);
  EXPECT_EQ(out["top_p"], 0.9);
  EXPECT_EQ(out["stop_sequences"], json::array({"END"}));
  EXPECT_EQ(out["metadata"]["user_id"], "u-42");
  EXPECT_EQ(out["stream"], true);
}

TEST(AnthropicRequest, ToolsAndEveryToolChoiceMap) {
  const auto base = json::parse(R"({"messages":[{"role":"user","content":"a"}],
    "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
      "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]})");
  auto out = translate(base);
  EXPECT_EQ(out["tools"][0]["name"], "get_weather");
  EXPECT_EQ(out["tools"][0]["description"], "Weather");
  EXPECT_EQ(out["tools"][0]["input_schema"]["properties"]["city"]["type"], "string");
  EXPECT_FALSE(out.contains("tool_choice"));

  const std::vector<std::pair<json, json>> cases = {
      {"auto", json::parse(R"({"type":"auto"})")},
      {"none", json::parse(R"({"type":"none"})")},
      {"required", json::parse(R"({"type":"any"})")},
      {json::parse(R"({"type":"function","function":{"name":"get_weather"}})"),
       json::parse(R"({"type":"tool","name":"get_weather"})")},
  };
  for (const auto& [choice, expected] : cases) {
    auto chat = base;
    chat["tool_choice"] = choice;
    EXPECT_EQ(translate(chat)["tool_choice"], expected) << choice.dump();
  }

  auto serial = base;
  serial["parallel_tool_calls"] = false;
  EXPECT_EQ(translate(serial)["tool_choice"], json::parse(R"({"type":"auto","disable_parallel_tool_use":true})"));
}

TEST(AnthropicRequest, JsonObjectModeAddsSystemInstruction) {
  const auto out = translate(json::parse(R"({"messages":[{"role":"user","content":"a"}],
    "response_format":{"type":"json_object"}})"));
  ASSERT_EQ(out["system"].size(), 1u);
  EXPECT_NE(out["system"][0]["text"].get<std::string>().find("JSON"), std::string::npos);
}

TEST(AnthropicRequest, UnsupportedFieldsAreRejectedWithParam) {
  EXPECT_EQ(translateError(json::parse(R"({"messages":[{"role":"user","content":"a"}],"n":2})")).param, "n");
  EXPECT_EQ(translateError(json::parse(R"({"messages":[{"role":"user","content":"a"}],"logprobs":true})")).param,
            "logprobs");
  const auto audio = translateError(json::parse(R"({"messages":[{"role":"user","content":[
    {"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]})"));
  EXPECT_EQ(audio.param, "messages[0].content[0]");
  const auto arguments = translateError(json::parse(R"({"messages":[{"role":"user","content":"a"},
    {"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"[1]"}}]}]})"));
  EXPECT_EQ(arguments.param, "messages[1].tool_calls[0].function.arguments");
}

TEST(AnthropicRequest, WrongFieldTypesGiveErrorsNotExceptions) {
  EXPECT_EQ(translateError(json::parse(R"({"messages":"hi"})")).status, 400u);
  EXPECT_EQ(translateError(json::parse(R"({"messages":[{"role":"tool","content":"x"}]})")).status, 400u);
  const auto out = translate(json::parse(R"({"messages":[{"role":"user","content":"a"}],
    "parallel_tool_calls":"no","stop":null,"temperature":"hot"})"));
  EXPECT_FALSE(out.contains("temperature"));
}

}  // namespace
}  // namespace pointsman::upstream::anthropic
