// The gateway in front of the simulator's Anthropic Messages API: OpenAI clients get OpenAI
// answers from an Anthropic deployment, streamed or not, with tool calls, usage and errors.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/simulator_process.hpp"

#include <map>

namespace pointsman::test {
namespace {

using nlohmann::json;

constexpr const char* kModel = "claude-sim";

class AnthropicProvider : public GatewayTest {
 protected:
  void SetUp() override {
    simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "0"});
    const auto root = "http://127.0.0.1:" + std::to_string(simulator_->port());
    ConfigBuilder config;
    config.provider("claude", root, "type: anthropic, api_key: sk-ant-test, forward_headers: [x-sim-fault]")
        .provider("compatible", simulator_->baseUrl())
        .deployment("sonnet", "claude", kModel, "max_tokens: 6")
        .deployment("mini", "compatible", kModel)
        .route("smart", {"sonnet", "mini"});
    startGateway(config.yaml());
  }

  void TearDown() override {
    GatewayTest::TearDown();
    simulator_.reset();
  }

  /// The text and finish reason a client assembles from a chat completion stream.
  static std::pair<std::string, std::string> assemble(const std::vector<ReceivedEvent>& events) {
    std::string text;
    std::string finish_reason;
    for (const auto& event : events) {
      const auto chunk = json::parse(event.data, nullptr, false);
      if (!chunk.is_object() || !chunk.contains("choices")) continue;
      for (const auto& choice : chunk["choices"]) {
        if (choice["delta"].contains("content") && choice["delta"]["content"].is_string()) {
          text += choice["delta"]["content"].get<std::string>();
        }
        if (choice["finish_reason"].is_string()) finish_reason = choice["finish_reason"];
      }
    }
    return {text, finish_reason};
  }

  std::unique_ptr<SimulatorProcess> simulator_;
};

TEST_F(AnthropicProvider, NonStreamedAnswerHasOpenAiShapeAndSameText) {
  const auto translated = postChat(R"({"model":"sonnet","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})");
  const auto direct = postChat(R"({"model":"mini","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})");

  ASSERT_EQ(translated.status, 200) << translated.body;
  ASSERT_EQ(direct.status, 200) << direct.body;
  const auto completion = translated.json();
  EXPECT_EQ(completion["object"], "chat.completion");
  EXPECT_EQ(completion["choices"][0]["message"]["content"], direct.json()["choices"][0]["message"]["content"]);
  EXPECT_EQ(completion["usage"]["completion_tokens"], 5);
  EXPECT_GT(completion["usage"]["prompt_tokens"].get<int>(), 0);
  EXPECT_EQ(translated.header("x-pointsman-deployment"), "sonnet");
}

TEST_F(AnthropicProvider, DeploymentMaxTokensDefaultIsSent) {
  const auto response = postChat(R"({"model":"sonnet","messages":[{"role":"user","content":"hi"}]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json()["usage"]["completion_tokens"], 6);
  EXPECT_EQ(response.json()["choices"][0]["finish_reason"], "length");
}

TEST_F(AnthropicProvider, StreamedTextEqualsSimulatedTextWithUsageChunk) {
  auto stream = openStream(R"({"model":"sonnet","stream":true,"max_tokens":8,
    "stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]})");
  const auto events = stream->readAll(kWait);
  const auto direct = postChat(R"({"model":"mini","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})");

  ASSERT_EQ(stream->status(), 200) << stream->rawBody();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]");
  const auto [text, finish_reason] = assemble(events);
  EXPECT_EQ(text, direct.json()["choices"][0]["message"]["content"]);
  EXPECT_EQ(finish_reason, "length");
  int usage_chunks = 0;
  for (const auto& event : events) {
    const auto chunk = json::parse(event.data, nullptr, false);
    if (!chunk.is_object() || !chunk.contains("usage") || !chunk["usage"].is_object()) continue;
    ++usage_chunks;
    EXPECT_TRUE(chunk["choices"].empty());
    EXPECT_EQ(chunk["usage"]["completion_tokens"], 8);
  }
  EXPECT_EQ(usage_chunks, 1);
}

TEST_F(AnthropicProvider, StreamWithoutIncludeUsageHasNoUsageChunk) {
  auto stream = openStream(R"({"model":"sonnet","stream":true,"max_tokens":3,"messages":[{"role":"user","content":"hi"}]})");
  const auto events = stream->readAll(kWait);
  ASSERT_EQ(stream->status(), 200) << stream->rawBody();
  for (const auto& event : events) EXPECT_EQ(event.data.find("\"usage\":{"), std::string::npos) << event.data;
}

TEST_F(AnthropicProvider, ParallelToolCallsStaySeparate) {
  auto stream = openStream(R"({"model":"sonnet","stream":true,"messages":[{"role":"user","content":"Weather and time?"}],
    "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},
             {"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}]})");
  const auto events = stream->readAll(kWait);
  ASSERT_EQ(stream->status(), 200) << stream->rawBody();

  std::map<int, std::string> names;
  std::map<int, std::string> arguments;
  for (const auto& event : events) {
    const auto chunk = json::parse(event.data, nullptr, false);
    if (!chunk.is_object() || !chunk.contains("choices") || chunk["choices"].empty()) continue;
    const auto& delta = chunk["choices"][0]["delta"];
    if (!delta.contains("tool_calls")) continue;
    for (const auto& call : delta["tool_calls"]) {
      if (call["function"].contains("name")) names[call["index"]] = call["function"]["name"];
      arguments[call["index"]] += call["function"]["arguments"].get<std::string>();
    }
  }
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], "get_weather");
  EXPECT_EQ(names[1], "get_time");
  EXPECT_EQ(json::parse(arguments[0]), json::parse(R"({"location":"Paris"})"));
  EXPECT_EQ(json::parse(arguments[1]), json::parse(R"({"tz":"UTC"})"));
  EXPECT_EQ(assemble(events).second, "tool_calls");
}

TEST_F(AnthropicProvider, OverloadedDeploymentFailsOver) {
  const auto response = postChat(R"({"model":"smart","max_tokens":3,"messages":[{"role":"user","content":"hi"}]})",
                                 {{"x-sim-fault", "status=529"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(response.header("x-pointsman-attempts"), "2");
}

TEST_F(AnthropicProvider, OnlySystemMessageGets400WithoutUpstreamCall) {
  const auto response = postChat(R"({"model":"smart","messages":[{"role":"system","content":"Be terse."}]})");
  ASSERT_EQ(response.status, 400) << response.body;
  const auto error = response.json()["error"];
  EXPECT_EQ(error["param"], "messages");
  EXPECT_EQ(response.header("x-pointsman-attempts"), "1");
}

TEST_F(AnthropicProvider, UpstreamInvalidRequestReachesClientAs400) {
  const auto response = postChat(R"({"model":"sonnet","max_tokens":3,"messages":[{"role":"user","content":"hi"}]})",
                                 {{"x-sim-fault", "status=400"}});
  ASSERT_EQ(response.status, 400) << response.body;
  const auto error = response.json()["error"];
  EXPECT_EQ(error["type"], "invalid_request_error");
  EXPECT_EQ(error["code"], "invalid_request_error");
}

}  // namespace
}  // namespace pointsman::test
