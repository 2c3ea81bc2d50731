// The gateway in front of the upstream simulator instead of a scripted mock: a smoke test of
// the whole path with an upstream that paces its tokens like a real model server.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/simulator_process.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

class Simulator : public GatewayTest {
 protected:
  void startWithSimulator() {
    simulator_ = std::make_unique<SimulatorProcess>(
        std::vector<std::string>{"--ttft-ms", "200", "--tokens-per-second", "100"});
    ConfigBuilder config;
    config.serverField("stream_keepalive_ms: 200")
        .serverField("drain_timeout_ms: 3000")
        .provider("sim", simulator_->baseUrl())
        .deployment("simulated", "sim", kUpstreamModel)
        .route("smart", {"simulated"});
    startGateway(config.yaml());
  }

  void TearDown() override {
    GatewayTest::TearDown();
    simulator_.reset();
  }

  std::unique_ptr<SimulatorProcess> simulator_;
};

TEST_F(Simulator, StreamIsRelayedToTheEnd) {
  startWithSimulator();

  auto stream = openStream(
      R"({"model":"smart","stream":true,"max_tokens":8,"messages":[{"role":"user","content":"hi"}]})");
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200) << stream->rawBody();
  EXPECT_TRUE(stream->ended());
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.back().data, "[DONE]");
  std::string text;
  for (const auto& event : events) {
    json chunk = json::parse(event.data, nullptr, false);
    if (!chunk.is_object()) continue;
    EXPECT_EQ(chunk["model"], kUpstreamModel);
    for (const auto& choice : chunk["choices"]) {
      text += choice["delta"].value("content", "");
    }
  }
  EXPECT_FALSE(text.empty());
}

TEST_F(Simulator, NonStreamedAnswerCarriesUsage) {
  startWithSimulator();

  HttpResponse response =
      postChat(R"({"model":"smart","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})");

  ASSERT_EQ(response.status, 200) << response.body;
  json completion = response.json();
  EXPECT_EQ(completion["model"], kUpstreamModel);
  EXPECT_GT(completion["usage"].value("completion_tokens", 0), 0);
  EXPECT_EQ(response.header("x-pointsman-deployment"), "simulated");
}

}  // namespace
}  // namespace pointsman::test
