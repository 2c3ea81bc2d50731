// The Anthropic-compatible front door: Anthropic-format clients on `/v1/messages` and
// `/v1/messages/count_tokens`, served by an OpenAI-compatible deployment (translated both ways)
// and by an Anthropic deployment (passed through), streamed and not, with Anthropic-shaped errors.

#include <nlohmann/json.hpp>

#include <pointsman/accounting/key_registry.hpp>

#include "support/gateway_test.hpp"
#include "support/simulator_process.hpp"

#include <map>

namespace pointsman::test {
namespace {

using nlohmann::json;

constexpr const char* kModel = "claude-sim";
constexpr const char* kClientKey = "pm-front-door-client-key";

/// What an Anthropic SDK assembles from a Messages stream.
struct AssembledMessage {
  std::vector<std::string> types;
  std::string text;
  std::string stop_reason;
  json usage;
  std::map<int, std::string> tool_names;
  std::map<int, std::string> tool_arguments;
};

AssembledMessage assemble(const std::vector<ReceivedEvent>& events) {
  AssembledMessage message;
  for (const auto& event : events) {
    const auto data = json::parse(event.data, nullptr, false);
    if (!data.is_object() || !data.contains("type")) continue;
    const std::string type = data["type"];
    message.types.push_back(type);
    if (type == "content_block_start" && data["content_block"]["type"] == "tool_use") {
      message.tool_names[data["index"]] = data["content_block"]["name"];
    }
    if (type == "content_block_delta" && data["delta"]["type"] == "text_delta") {
      message.text += data["delta"]["text"].get<std::string>();
    }
    if (type == "content_block_delta" && data["delta"]["type"] == "input_json_delta") {
      message.tool_arguments[data["index"]] += data["delta"]["partial_json"].get<std::string>();
    }
    if (type == "message_delta") {
      message.stop_reason = data["delta"]["stop_reason"];
      message.usage = data["usage"];
    }
  }
  return message;
}

class AnthropicFrontDoor : public GatewayTest {
 protected:
  void start(const std::string& auth = "none", const std::string& raw_block = {}) {
    simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "0"});
    const auto root = "http://127.0.0.1:" + std::to_string(simulator_->port());
    ConfigBuilder config;
    config.provider("claude", root, "type: anthropic, api_key: sk-ant-front-door")
        .provider("compatible", simulator_->baseUrl())
        .deployment("sonnet", "claude", kModel)
        .deployment("mini", "compatible", kModel)
        .route("smart", {"sonnet", "mini"})
        .route("fast", {"mini"})
        .auth(auth);
    if (!raw_block.empty()) config.rawBlock(raw_block);
    startGateway(config.yaml());
  }

  void TearDown() override {
    GatewayTest::TearDown();
    simulator_.reset();
  }

  HttpResponse postMessages(const std::string& body, const HeaderList& headers = {},
                            const std::string& target = "/v1/messages") {
    HeaderList all = headers;
    all.emplace_back("anthropic-version", "2023-06-01");
    return post(gateway_->publicPort(), target, body, all, kWait);
  }

  std::unique_ptr<SseClient> openMessagesStream(const std::string& body) {
    return std::make_unique<SseClient>(
        gateway_->publicPort(), RequestOptions{.target = "/v1/messages",
                                               .headers = {{"anthropic-version", "2023-06-01"}},
                                               .body = body,
                                               .timeout = kWait});
  }

  /// The text the OpenAI-compatible deployment answers with for `max_tokens` tokens.
  std::string simulatedText(int max_tokens) {
    const auto direct = postChat(R"({"model":"mini","max_tokens":)" + std::to_string(max_tokens) +
                                 R"(,"messages":[{"role":"user","content":"hi"}]})");
    EXPECT_EQ(direct.status, 200) << direct.body;
    return direct.json()["choices"][0]["message"]["content"];
  }

  static std::string messagesBody(const std::string& model, int max_tokens, bool stream = false) {
    return R"({"model":")" + model + R"(","max_tokens":)" + std::to_string(max_tokens) +
           R"(,"system":"Be terse.","messages":[{"role":"user","content":"hi"}])" + (stream ? R"(,"stream":true)" : "") +
           "}";
  }

  static constexpr const char* kToolsBody =
      R"({"model":"fast","max_tokens":200,"messages":[{"role":"user","content":"Weather and time?"}],
      "tools":[{"name":"get_weather","input_schema":{"type":"object"}},
               {"name":"get_time","input_schema":{"type":"object"}}]})";

  std::unique_ptr<SimulatorProcess> simulator_;
};

TEST_F(AnthropicFrontDoor, OpenAiDeploymentAnswersInMessagesShape) {
  start();
  const auto response = postMessages(messagesBody("fast", 5));

  ASSERT_EQ(response.status, 200) << response.body;
  const auto message = response.json();
  EXPECT_EQ(message["type"], "message");
  EXPECT_EQ(message["role"], "assistant");
  ASSERT_EQ(message["content"].size(), 1u) << message.dump();
  EXPECT_EQ(message["content"][0]["type"], "text");
  EXPECT_EQ(message["content"][0]["text"], simulatedText(5));
  EXPECT_EQ(message["stop_reason"], "max_tokens");
  EXPECT_EQ(message["usage"]["output_tokens"], 5);
  EXPECT_GT(message["usage"]["input_tokens"].get<int>(), 0);
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(response.header("x-pointsman-route"), "fast");
}

TEST_F(AnthropicFrontDoor, AnthropicDeploymentPassesThrough) {
  start();
  const auto response = postMessages(messagesBody("smart", 5));

  ASSERT_EQ(response.status, 200) << response.body;
  const auto message = response.json();
  // The simulator's own message id shows that the body was not translated twice.
  EXPECT_TRUE(message["id"].get<std::string>().starts_with("msg_sim_")) << message.dump();
  EXPECT_EQ(message["model"], kModel);
  EXPECT_EQ(message["content"][0]["text"], simulatedText(5));
  EXPECT_EQ(message["stop_reason"], "max_tokens");
  EXPECT_EQ(response.header("x-pointsman-deployment"), "sonnet");
}

TEST_F(AnthropicFrontDoor, OpenAiDeploymentStreamsMessagesEvents) {
  start();
  auto stream = openMessagesStream(messagesBody("fast", 8, true));
  const auto events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200) << stream->rawBody();
  EXPECT_TRUE(stream->ended());
  const auto message = assemble(events);
  ASSERT_FALSE(message.types.empty());
  EXPECT_EQ(message.types.front(), "message_start");
  EXPECT_EQ(message.types.back(), "message_stop");
  EXPECT_EQ(message.text, simulatedText(8));
  EXPECT_EQ(message.stop_reason, "max_tokens");
  EXPECT_EQ(message.usage["output_tokens"], 8);
  EXPECT_EQ(stream->rawBody().find("[DONE]"), std::string::npos);
  EXPECT_EQ(stream->rawBody().find("chat.completion.chunk"), std::string::npos);
}

TEST_F(AnthropicFrontDoor, AnthropicDeploymentStreamPassesThrough) {
  start();
  auto stream = openMessagesStream(messagesBody("sonnet", 8, true));
  const auto events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200) << stream->rawBody();
  const auto message = assemble(events);
  ASSERT_FALSE(message.types.empty());
  EXPECT_EQ(message.types.front(), "message_start");
  EXPECT_EQ(message.types.back(), "message_stop");
  EXPECT_EQ(message.text, simulatedText(8));
  EXPECT_EQ(message.stop_reason, "max_tokens");
  EXPECT_NE(stream->rawBody().find("msg_sim_"), std::string::npos);
}

TEST_F(AnthropicFrontDoor, ToolUseFromOpenAiDeploymentKeepsCallsApart) {
  start();
  const auto response = postMessages(kToolsBody);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto message = response.json();
  EXPECT_EQ(message["stop_reason"], "tool_use");
  std::vector<json> tool_uses;
  for (const auto& block : message["content"]) {
    if (block["type"] == "tool_use") tool_uses.push_back(block);
  }
  ASSERT_FALSE(tool_uses.empty()) << message.dump();
  for (const auto& block : tool_uses) {
    EXPECT_TRUE(block["input"].is_object()) << block.dump();
    EXPECT_FALSE(block["id"].get<std::string>().empty());
  }
}

TEST_F(AnthropicFrontDoor, StreamedToolUseFromOpenAiDeployment) {
  start();
  std::string body = kToolsBody;
  body.insert(body.size() - 1, R"(,"stream":true)");
  auto stream = openMessagesStream(body);
  const auto message = assemble(stream->readAll(kWait));

  ASSERT_EQ(stream->status(), 200) << stream->rawBody();
  EXPECT_EQ(message.stop_reason, "tool_use");
  ASSERT_FALSE(message.tool_names.empty()) << stream->rawBody();
  for (const auto& [index, arguments] : message.tool_arguments) {
    EXPECT_TRUE(json::parse(arguments, nullptr, false).is_object()) << index << ": " << arguments;
  }
}

TEST_F(AnthropicFrontDoor, ErrorsUseAnthropicShape) {
  start();
  const auto missing = postMessages(R"({"model":"fast","messages":[{"role":"user","content":"hi"}]})");
  ASSERT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(missing.json()["type"], "error");
  EXPECT_EQ(missing.json()["error"]["type"], "invalid_request_error");

  const auto unknown = postMessages(messagesBody("no-such-model", 5));
  ASSERT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.json()["error"]["type"], "not_found_error");
}

TEST_F(AnthropicFrontDoor, CountTokensForwardedToAnthropicDeployment) {
  start();
  const std::string body = R"({"model":"smart","messages":[{"role":"user","content":"How many tokens is this?"}]})";
  const auto response = postMessages(body, {}, "/v1/messages/count_tokens");

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_GT(response.json()["input_tokens"].get<int>(), 0);
  EXPECT_EQ(response.header("x-pointsman-token-count"), "");
  EXPECT_EQ(response.header("x-pointsman-deployment"), "sonnet");
}

TEST_F(AnthropicFrontDoor, CountTokensEstimatedForOpenAiDeployment) {
  start();
  const std::string body = R"({"model":"fast","messages":[{"role":"user","content":"How many tokens is this?"}]})";
  const auto response = postMessages(body, {}, "/v1/messages/count_tokens");

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_GT(response.json()["input_tokens"].get<int>(), 0);
  EXPECT_EQ(response.header("x-pointsman-token-count"), "estimate");
  EXPECT_EQ(response.header("x-pointsman-deployment"), "");
}

TEST_F(AnthropicFrontDoor, CountTokensRejectsMissingMessages) {
  start();
  const auto response = postMessages(R"({"model":"fast","messages":[]})", {}, "/v1/messages/count_tokens");
  ASSERT_EQ(response.status, 400) << response.body;
  EXPECT_EQ(response.json()["type"], "error");
}

TEST_F(AnthropicFrontDoor, XApiKeyAuthenticatesPointsmanKey) {
  start("keys", "keys:\n  - { name: sdk, key_sha256: \"" + accounting::sha256Hex(kClientKey) + "\" }\n");

  const auto missing = postMessages(messagesBody("fast", 3));
  ASSERT_EQ(missing.status, 401) << missing.body;
  EXPECT_EQ(missing.json()["error"]["type"], "authentication_error");

  const auto wrong = postMessages(messagesBody("fast", 3), {{"x-api-key", "pm-wrong"}});
  EXPECT_EQ(wrong.status, 401) << wrong.body;

  const auto accepted = postMessages(messagesBody("fast", 3), {{"x-api-key", kClientKey}});
  EXPECT_EQ(accepted.status, 200) << accepted.body;
}

}  // namespace
}  // namespace pointsman::test
