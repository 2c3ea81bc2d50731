// Anthropic Messages responses and errors translated into the OpenAI shapes. The Anthropic bodies
// follow the published Messages API reference (version 2023-06-01).

#include <pointsman/upstream/anthropic/response_translation.hpp>
#include <pointsman/upstream/upstream_error.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pointsman::upstream::anthropic {
namespace {

using nlohmann::json;

json completionOf(const std::string& body) {
  const auto translated = toChatCompletion(body, 1700000000);
  if (!translated) {
    ADD_FAILURE() << "not translated: " << body;
    return {};
  }
  return json::parse(*translated);
}

TEST(AnthropicResponse, TextAndToolUseBecomeContentAndToolCalls) {
  const auto out = completionOf(R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
    "content":[{"type":"text","text":"Let me check."},
      {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}},
      {"type":"tool_use","id":"toolu_02","name":"get_time","input":{"tz":"UTC"}}],
    "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":11}})");
  EXPECT_EQ(out["object"], "chat.completion");
  EXPECT_EQ(out["id"], "msg_01");
  EXPECT_EQ(out["created"], 1700000000);
  const auto& message = out["choices"][0]["message"];
  EXPECT_EQ(message["content"], "Let me check.");
  ASSERT_EQ(message["tool_calls"].size(), 2u);
  EXPECT_EQ(message["tool_calls"][0]["id"], "toolu_01");
  EXPECT_EQ(message["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(json::parse(message["tool_calls"][0]["function"]["arguments"].get<std::string>()),
            json::parse(R"({"city":"Paris"})"));
  EXPECT_EQ(message["tool_calls"][1]["id"], "toolu_02");
  EXPECT_EQ(out["choices"][0]["finish_reason"], "tool_calls");
}

TEST(AnthropicResponse, ToolOnlyAnswerHasNullContent) {
  const auto out = completionOf(R"({"id":"m","type":"message","content":[
    {"type":"tool_use","id":"t","name":"f","input":{}}],"stop_reason":"tool_use","usage":{}})");
  EXPECT_TRUE(out["choices"][0]["message"]["content"].is_null());
}

TEST(AnthropicResponse, EveryStopReasonMaps) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"end_turn", "stop"},          {"stop_sequence", "stop"},     {"pause_turn", "stop"},
      {"max_tokens", "length"},      {"model_context_window_exceeded", "length"},
      {"tool_use", "tool_calls"},    {"refusal", "content_filter"}, {"something_new", "stop"}};
  for (const auto& [stop_reason, finish_reason] : cases) {
    EXPECT_EQ(finishReasonFor(stop_reason), finish_reason) << stop_reason;
  }
}

TEST(AnthropicResponse, UsageCountsCacheReadsAndWritesInPrompt) {
  const auto out = completionOf(R"({"id":"m","type":"message","content":[{"type":"text","text":"hi"}],
    "stop_reason":"end_turn","usage":{"input_tokens":10,"cache_read_input_tokens":100,
    "cache_creation_input_tokens":50,"output_tokens":7}})");
  const auto& usage = out["usage"];
  EXPECT_EQ(usage["prompt_tokens"], 160);
  EXPECT_EQ(usage["completion_tokens"], 7);
  EXPECT_EQ(usage["total_tokens"], 167);
  EXPECT_EQ(usage["prompt_tokens_details"]["cached_tokens"], 100);
  EXPECT_EQ(usage["prompt_tokens_details"]["cache_write_tokens"], 50);
}

TEST(AnthropicResponse, BodyOfAnotherShapeIsNotTranslated) {
  EXPECT_FALSE(toChatCompletion("not json", 0));
  EXPECT_FALSE(toChatCompletion(R"({"type":"error","error":{}})", 0));
}

TEST(AnthropicError, OverloadedBecomesRetryable503) {
  const auto translated = toOpenAiError(529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  EXPECT_EQ(translated.status, 503u);
  const auto body = json::parse(translated.body);
  EXPECT_EQ(body["error"]["message"], "Overloaded");
  EXPECT_EQ(body["error"]["type"], "server_error");
  EXPECT_EQ(body["error"]["code"], "overloaded_error");
  EXPECT_FALSE(body["error"].contains("status"));
  const auto error = httpStatusError(translated.status, translated.body, "application/json");
  EXPECT_TRUE(error.retryable);
}

TEST(AnthropicError, StatusesAndTypesMapForRetryLayer) {
  struct Case {
    unsigned status;
    const char* type;
    unsigned expected_status;
    const char* expected_type;
    bool retryable;
  };
  const std::vector<Case> cases = {
      {400, "invalid_request_error", 400, "invalid_request_error", false},
      {401, "authentication_error", 401, "authentication_error", true},
      {403, "permission_error", 403, "permission_error", true},
      {404, "not_found_error", 404, "invalid_request_error", false},
      {413, "request_too_large", 413, "invalid_request_error", false},
      {429, "rate_limit_error", 429, "rate_limit_error", true},
      {500, "api_error", 500, "server_error", true},
  };
  for (const auto& c : cases) {
    const auto body = json{{"type", "error"}, {"error", {{"type", c.type}, {"message", "m"}}}}.dump();
    const auto translated = toOpenAiError(c.status, body);
    EXPECT_EQ(translated.status, c.expected_status) << c.type;
    EXPECT_EQ(json::parse(translated.body)["error"]["type"], c.expected_type) << c.type;
    EXPECT_EQ(httpStatusError(translated.status, translated.body, {}).retryable, c.retryable) << c.type;
  }
}

TEST(AnthropicError, PromptTooLongGetsContextLengthCode) {
  const auto translated = toOpenAiError(400, R"({"type":"error","error":{"type":"invalid_request_error",
    "message":"prompt is too long: 210000 tokens > 200000 maximum"}})");
  EXPECT_EQ(json::parse(translated.body)["error"]["code"], "context_length_exceeded");
}

TEST(AnthropicError, BodyOfAnotherShapeBecomesMessage) {
  const auto translated = toOpenAiError(502, "<html>Bad gateway</html>");
  const auto body = json::parse(translated.body);
  EXPECT_EQ(body["error"]["message"], "<html>Bad gateway</html>");
  EXPECT_EQ(body["error"]["type"], "server_error");
}

}  // namespace
}  // namespace pointsman::upstream::anthropic
