// The gateway in front of the simulator's Azure OpenAI URL scheme.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/simulator_process.hpp"

namespace pointsman::test {
namespace {

class AzureProvider : public GatewayTest {
 protected:
  void start(const std::string& provider_fields) {
    simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "0"});
    ConfigBuilder config;
    config.provider("azure", "http://127.0.0.1:" + std::to_string(simulator_->port()), provider_fields)
        .deployment("gpt", "azure", "gpt-4o-prod");
    startGateway(config.yaml());
  }

  void TearDown() override {
    GatewayTest::TearDown();
    simulator_.reset();
  }

  std::unique_ptr<SimulatorProcess> simulator_;
};

TEST_F(AzureProvider, DeploymentUrlWithApiKeyAnswers) {
  start("type: azure_openai, api_key: azure-test-key, api_version: 2024-10-21");
  const auto response = postChat(R"({"model":"gpt","max_tokens":3,"messages":[{"role":"user","content":"hi"}]})");
  ASSERT_EQ(response.status, 200) << response.body;
  // The simulator takes the model from the deployment in the path.
  EXPECT_EQ(response.json()["model"], "gpt-4o-prod");
}

TEST_F(AzureProvider, StreamIsRelayed) {
  start("type: azure_openai, api_key: azure-test-key");
  auto stream = openStream(R"({"model":"gpt","stream":true,"max_tokens":3,"messages":[{"role":"user","content":"hi"}]})");
  const auto events = stream->readAll(kWait);
  ASSERT_EQ(stream->status(), 200) << stream->rawBody();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]");
}

TEST_F(AzureProvider, MissingCredentialIsGatewayFault) {
  start("type: azure_openai");
  const auto response = postChat(R"({"model":"gpt","max_tokens":3,"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(response.status, 502) << response.body;
}

}  // namespace
}  // namespace pointsman::test
