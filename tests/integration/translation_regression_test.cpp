// Regression tests for the translating paths, with scripted upstreams that split bytes and
// interleave items on purpose: an OpenAI client of an Anthropic deployment (`sonnet`), and an
// Anthropic client on /v1/messages of an OpenAI-compatible deployment (`mini`). Covered: UTF-8
// split across reads, parallel tool calls whose fragments interleave, and request translation
// that must neither lose content nor send what the Messages API rejects.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"

#include <map>

namespace pointsman::test {
namespace {

using nlohmann::json;

constexpr std::chrono::milliseconds kBetweenWrites{5};

/// Formats one Anthropic SSE event: its `event:` and `data:` lines.
std::string anthropicEvent(const std::string& type, const json& data) {
  return "event: " + type + "\ndata: " + data.dump() + "\n\n";
}

std::string messageStart() {
  return anthropicEvent("message_start",
                        {{"type", "message_start"},
                         {"message",
                          {{"id", "msg_mock"}, {"type", "message"}, {"role", "assistant"}, {"model", "claude-mock"},
                           {"content", json::array()}, {"usage", {{"input_tokens", 9}, {"output_tokens", 1}}}}}});
}

std::string blockStart(int index, const json& block) {
  return anthropicEvent("content_block_start", {{"type", "content_block_start"}, {"index", index}, {"content_block", block}});
}

std::string textDelta(int index, const std::string& text) {
  return anthropicEvent("content_block_delta",
                        {{"type", "content_block_delta"}, {"index", index}, {"delta", {{"type", "text_delta"}, {"text", text}}}});
}

std::string jsonDelta(int index, const std::string& partial) {
  return anthropicEvent("content_block_delta", {{"type", "content_block_delta"},
                                                {"index", index},
                                                {"delta", {{"type", "input_json_delta"}, {"partial_json", partial}}}});
}

std::string blockStop(int index) {
  return anthropicEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", index}});
}

std::string messageEnd(const std::string& stop_reason) {
  return anthropicEvent("message_delta", {{"type", "message_delta"},
                                          {"delta", {{"stop_reason", stop_reason}, {"stop_sequence", nullptr}}},
                                          {"usage", {{"output_tokens", 12}}}}) +
         anthropicEvent("message_stop", {{"type", "message_stop"}});
}

/// Writes `bytes` as one chunk per piece, cut at each offset of `cuts` (ascending), with a pause
/// between writes so the gateway reads the pieces apart.
Script splitStream(const std::string& bytes, const std::vector<std::size_t>& cuts) {
  Script script;
  script.streamHeaders();
  std::size_t start = 0;
  for (const auto cut : cuts) {
    script.chunk(bytes.substr(start, cut - start)).delay(kBetweenWrites);
    start = cut;
  }
  script.chunk(bytes.substr(start)).endChunked();
  return script;
}

/// Offset of the byte `into` bytes into the first occurrence of `needle` after `from`.
std::size_t cutInside(const std::string& bytes, const std::string& needle, std::size_t into, std::size_t from = 0) {
  const auto found = bytes.find(needle, from);
  EXPECT_NE(found, std::string::npos) << needle;
  return found + into;
}

constexpr const char* kReplacementCharacter = "\xEF\xBF\xBD";
const std::string kEmoji = "\xF0\x9F\x8C\x8D";  // U+1F30D, 🌍

class TranslationRegression : public GatewayTest {
 protected:
  void SetUp() override {
    ConfigBuilder config;
    config.provider("claude", "http://127.0.0.1:" + std::to_string(primary_.port()),
                    "type: anthropic, api_key: sk-ant-regression")
        .provider("compatible", backup_.baseUrl())
        .deployment("sonnet", "claude", "claude-mock", "max_tokens: 1024")
        .deployment("mini", "compatible", kUpstreamModel);
    startGateway(config.yaml());
  }

  HttpResponse postMessages(const std::string& body) {
    return post(gateway_->publicPort(), "/v1/messages", body, {{"anthropic-version", "2023-06-01"}}, kWait);
  }

  std::unique_ptr<SseClient> openMessagesStream(const std::string& body) {
    return std::make_unique<SseClient>(gateway_->publicPort(),
                                       RequestOptions{.target = "/v1/messages", .body = body, .timeout = kWait});
  }

  /// Returns the Messages body that the Anthropic mock received last.
  json lastMessagesRequest() {
    const auto requests = primary_.requests();
    EXPECT_FALSE(requests.empty());
    if (requests.empty()) return {};
    EXPECT_EQ(requests.back().target, "/v1/messages");
    return json::parse(requests.back().body, nullptr, false);
  }

  void answerWithMessage() {
    const json message = {{"id", "msg_mock"},       {"type", "message"},
                          {"role", "assistant"},    {"model", "claude-mock"},
                          {"stop_reason", "end_turn"}, {"content", json::array({{{"type", "text"}, {"text", "ok"}}})},
                          {"usage", {{"input_tokens", 5}, {"output_tokens", 1}}}};
    primary_.setDefault(Script().status(200, {{"content-type", "application/json"}}, message.dump()));
  }
};

// UTF-8 split across reads: the Anthropic stream cuts the emoji after 2 of its 4 bytes and a CJK
// character after 1 of its 3 bytes. One more delta carries the emoji as a JSON surrogate pair.
TEST_F(TranslationRegression, SplitUtf8SurvivesAnthropicToOpenAi) {
  const std::string stream = messageStart() + blockStart(0, {{"type", "text"}, {"text", ""}}) + textDelta(0, "你好") +
                             textDelta(0, "世界 " + kEmoji) + textDelta(0, " café") +
                             // json::dump would write the raw character, so this delta is spelled by hand.
                             "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                             "\"delta\":{\"type\":\"text_delta\",\"text\":\"\\ud83c\\udf0d\"}}\n\n" +
                             blockStop(0) + messageEnd("end_turn");
  primary_.enqueue(splitStream(stream, {cutInside(stream, "好", 1), cutInside(stream, kEmoji, 2)}));

  auto client = openStream(R"({"model":"sonnet","stream":true,"messages":[{"role":"user","content":"hi"}]})");
  const auto events = client->readAll(kWait);

  ASSERT_EQ(client->status(), 200) << client->rawBody();
  EXPECT_EQ(assembleContent(events), "你好世界 " + kEmoji + " café" + kEmoji);
  EXPECT_EQ(client->rawBody().find(kReplacementCharacter), std::string::npos) << client->rawBody();
}

TEST_F(TranslationRegression, SplitUtf8SurvivesOpenAiToAnthropic) {
  const std::string stream = roleEvent() + contentEvent("你好") + contentEvent("世界 " + kEmoji) +
                             contentEvent(" café") + finishEvent("stop") + usageEvent(9, 6) + doneEvent();
  backup_.enqueue(splitStream(stream, {cutInside(stream, "好", 1), cutInside(stream, kEmoji, 2)}));

  auto client = openMessagesStream(R"({"model":"mini","max_tokens":50,"stream":true,
    "messages":[{"role":"user","content":"hi"}]})");
  const auto events = client->readAll(kWait);

  ASSERT_EQ(client->status(), 200) << client->rawBody();
  std::string text;
  for (const auto& event : events) {
    const auto data = json::parse(event.data, nullptr, false);
    if (data.is_object() && data["type"] == "content_block_delta" && data["delta"]["type"] == "text_delta") {
      text += data["delta"]["text"].get<std::string>();
    }
  }
  EXPECT_EQ(text, "你好世界 " + kEmoji + " café");
  EXPECT_EQ(client->rawBody().find(kReplacementCharacter), std::string::npos) << client->rawBody();
}

// Parallel tool calls: a text block at content-block index 0, then tool_use blocks at 1 and 2
// whose input fragments alternate.
TEST_F(TranslationRegression, InterleavedToolUseBlocksBecomeSeparateCalls) {
  const std::string stream =
      messageStart() + blockStart(0, {{"type", "text"}, {"text", ""}}) + textDelta(0, "Checking.") + blockStop(0) +
      blockStart(1, {{"type", "tool_use"}, {"id", "toolu_a"}, {"name", "get_weather"}, {"input", json::object()}}) +
      blockStart(2, {{"type", "tool_use"}, {"id", "toolu_b"}, {"name", "get_time"}, {"input", json::object()}}) +
      jsonDelta(1, R"({"city":)") + jsonDelta(2, R"({"tz":)") + jsonDelta(1, R"("Paris"})") + jsonDelta(2, R"("UTC"})") +
      blockStop(1) + blockStop(2) + messageEnd("tool_use");
  primary_.enqueue(splitStream(stream, {}));

  auto client = openStream(R"({"model":"sonnet","stream":true,"parallel_tool_calls":true,
    "messages":[{"role":"user","content":"Weather and time?"}],
    "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},
             {"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}]})");
  const auto events = client->readAll(kWait);
  ASSERT_EQ(client->status(), 200) << client->rawBody();

  std::map<int, std::string> ids;
  std::map<int, std::string> names;
  std::map<int, std::string> arguments;
  std::string finish_reason;
  for (const auto& event : events) {
    const auto chunk = json::parse(event.data, nullptr, false);
    if (!chunk.is_object() || !chunk.contains("choices") || chunk["choices"].empty()) continue;
    const auto& choice = chunk["choices"][0];
    if (choice["finish_reason"].is_string()) finish_reason = choice["finish_reason"];
    for (const auto& call : choice["delta"].value("tool_calls", json::array())) {
      const int index = call["index"];
      if (call.contains("id")) ids[index] += call["id"].get<std::string>();
      if (call["function"].contains("name")) names[index] += call["function"]["name"].get<std::string>();
      arguments[index] += call["function"].value("arguments", "");
    }
  }
  ASSERT_EQ(names.size(), 2u) << client->rawBody();
  EXPECT_EQ(ids[0], "toolu_a");
  EXPECT_EQ(ids[1], "toolu_b");
  EXPECT_EQ(names[0], "get_weather");
  EXPECT_EQ(names[1], "get_time");
  EXPECT_EQ(arguments[0], R"({"city":"Paris"})");
  EXPECT_EQ(arguments[1], R"({"tz":"UTC"})");
  EXPECT_EQ(finish_reason, "tool_calls");
}

TEST_F(TranslationRegression, InterleavedToolCallsBecomeSeparateBlocks) {
  const auto toolDelta = [](int index, const std::string& call) {
    return sseData(R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,)"
                   R"("delta":{"tool_calls":[)" + call + R"(]},"finish_reason":null}]})");
  };
  const std::string stream =
      roleEvent() +
      toolDelta(0, R"({"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}})") +
      toolDelta(1, R"({"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}})") +
      toolDelta(0, R"({"index":0,"function":{"arguments":"{\"city\":"}})") +
      toolDelta(1, R"({"index":1,"function":{"arguments":"{\"tz\":"}})") +
      toolDelta(0, R"({"index":0,"function":{"arguments":"\"Paris\"}"}})") +
      toolDelta(1, R"({"index":1,"function":{"arguments":"\"UTC\"}"}})") + finishEvent("tool_calls") +
      usageEvent(20, 10) + doneEvent();
  backup_.enqueue(splitStream(stream, {}));

  auto client = openMessagesStream(R"({"model":"mini","max_tokens":100,"stream":true,
    "messages":[{"role":"user","content":"Weather and time?"}],
    "tools":[{"name":"get_weather","input_schema":{"type":"object"}},{"name":"get_time","input_schema":{"type":"object"}}]})");
  const auto events = client->readAll(kWait);
  ASSERT_EQ(client->status(), 200) << client->rawBody();

  std::map<int, std::string> ids;
  std::map<int, std::string> names;
  std::map<int, std::string> inputs;
  std::string stop_reason;
  for (const auto& event : events) {
    const auto data = json::parse(event.data, nullptr, false);
    if (!data.is_object()) continue;
    if (data["type"] == "content_block_start" && data["content_block"]["type"] == "tool_use") {
      ids[data["index"]] = data["content_block"]["id"];
      names[data["index"]] = data["content_block"]["name"];
    }
    if (data["type"] == "content_block_delta" && data["delta"]["type"] == "input_json_delta") {
      inputs[data["index"]] += data["delta"]["partial_json"].get<std::string>();
    }
    if (data["type"] == "message_delta") stop_reason = data["delta"]["stop_reason"];
  }
  ASSERT_EQ(ids.size(), 2u) << client->rawBody();
  std::map<std::string, std::pair<std::string, std::string>> by_id;
  for (const auto& [index, id] : ids) by_id[id] = {names[index], inputs[index]};
  EXPECT_EQ(by_id["call_a"].first, "get_weather");
  EXPECT_EQ(by_id["call_b"].first, "get_time");
  EXPECT_EQ(json::parse(by_id["call_a"].second), json::parse(R"({"city":"Paris"})"));
  EXPECT_EQ(json::parse(by_id["call_b"].second), json::parse(R"({"tz":"UTC"})"));
  EXPECT_EQ(stop_reason, "tool_use");
}

// Request translation, case (a): two system messages of both content forms, a text part and a
// PNG data URL, and no max_tokens.
TEST_F(TranslationRegression, SystemPartsAndImageReachMessagesRequest) {
  answerWithMessage();
  const auto response = postChat(R"({"model":"sonnet","messages":[
    {"role":"system","content":[{"type":"text","text":"Be terse."}]},
    {"role":"system","content":"Answer in French."},
    {"role":"user","content":[{"type":"text","text":"What is this?"},
      {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]})");
  ASSERT_EQ(response.status, 200) << response.body;

  const auto sent = lastMessagesRequest();
  ASSERT_TRUE(sent["system"].is_array()) << sent.dump();
  ASSERT_EQ(sent["system"].size(), 2u) << sent.dump();
  EXPECT_EQ(sent["system"][0]["text"], "Be terse.");
  EXPECT_EQ(sent["system"][1]["text"], "Answer in French.");
  ASSERT_EQ(sent["messages"].size(), 1u) << sent.dump();
  const auto& content = sent["messages"][0]["content"];
  ASSERT_EQ(content.size(), 2u) << sent.dump();
  EXPECT_EQ(content[0], json::parse(R"({"type":"text","text":"What is this?"})"));
  EXPECT_EQ(content[1]["type"], "image");
  EXPECT_EQ(content[1]["source"]["type"], "base64");
  EXPECT_EQ(content[1]["source"]["media_type"], "image/png");
  EXPECT_EQ(content[1]["source"]["data"], "iVBORw0KGgo=");
  EXPECT_EQ(sent["max_tokens"], 1024);
}

// Case (b): an assistant turn with empty content and tool calls, then the tool's result.
TEST_F(TranslationRegression, EmptyAssistantTextLeftOut) {
  answerWithMessage();
  const auto response = postChat(R"({"model":"sonnet","max_tokens":20,"messages":[
    {"role":"user","content":"Weather in Paris?"},
    {"role":"assistant","content":"","tool_calls":[{"id":"call_w","type":"function",
      "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
    {"role":"tool","tool_call_id":"call_w","content":"18 C"}]})");
  ASSERT_EQ(response.status, 200) << response.body;

  const auto sent = lastMessagesRequest();
  ASSERT_EQ(sent["messages"].size(), 3u) << sent.dump();
  const auto& assistant = sent["messages"][1];
  EXPECT_EQ(assistant["role"], "assistant");
  ASSERT_EQ(assistant["content"].size(), 1u) << sent.dump();
  EXPECT_EQ(assistant["content"][0]["type"], "tool_use");
  EXPECT_EQ(assistant["content"][0]["id"], "call_w");
  EXPECT_EQ(assistant["content"][0]["input"], json::parse(R"({"city":"Paris"})"));
  const auto& result = sent["messages"][2];
  EXPECT_EQ(result["role"], "user");
  EXPECT_EQ(result["content"][0]["type"], "tool_result");
  EXPECT_EQ(result["content"][0]["tool_use_id"], "call_w");
}

// Case (c): nothing but a system message has no Messages form.
TEST_F(TranslationRegression, OnlySystemMessageIs400WithoutUpstreamCall) {
  const auto response = postChat(R"({"model":"sonnet","messages":[{"role":"system","content":"Be terse."}]})");

  ASSERT_EQ(response.status, 400) << response.body;
  const auto error = response.json()["error"];
  EXPECT_EQ(error["type"], "invalid_request_error");
  EXPECT_NE(error["message"].get<std::string>().find("non-system"), std::string::npos) << error.dump();
  EXPECT_EQ(primary_.requestCount(), 0u);
}

// Case (d): an empty system message is left out.
TEST_F(TranslationRegression, EmptySystemMessageIsLeftOut) {
  answerWithMessage();
  const auto response = postChat(R"({"model":"sonnet","max_tokens":20,"messages":[
    {"role":"system","content":""},{"role":"user","content":"hi"}]})");
  ASSERT_EQ(response.status, 200) << response.body;

  const auto sent = lastMessagesRequest();
  EXPECT_FALSE(sent.contains("system") && !sent["system"].empty()) << sent.dump();
  ASSERT_EQ(sent["messages"].size(), 1u) << sent.dump();
  EXPECT_EQ(sent["messages"][0]["content"], json::parse(R"([{"type":"text","text":"hi"}])")) << sent.dump();
}

}  // namespace
}  // namespace pointsman::test
