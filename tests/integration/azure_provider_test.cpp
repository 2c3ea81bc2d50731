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

TEST_F(AzureProvider, FilteredCompletionFailsOverWhenRouteAllows) {
  simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "0"});
  const auto root = "http://127.0.0.1:" + std::to_string(simulator_->port());
  ConfigBuilder config;
  // Only the first provider forwards the fault header, so only its completion is filtered.
  config.provider("azure", root, "type: azure_openai, api_key: azure-test-key, forward_headers: [x-sim-fault]")
      .provider("azure-backup", root, "type: azure_openai, api_key: azure-test-key")
      .deployment("gpt", "azure", "gpt-4o-prod")
      .deployment("gpt-backup", "azure-backup", "gpt-4o-backup")
      .routeEntry("guarded", "use: [gpt, gpt-backup], retry: { failover_on_content_filter: true }")
      .route("plain", {"gpt", "gpt-backup"});
  startGateway(config.yaml());
  const HeaderList filter{{"x-sim-fault", "content_filter"}};
  const std::string guarded = R"({"model":"guarded","max_tokens":3,"messages":[{"role":"user","content":"hi"}]})";
  const std::string plain = R"({"model":"plain","max_tokens":3,"messages":[{"role":"user","content":"hi"}]})";

  const auto failed_over = postChat(guarded, filter);
  ASSERT_EQ(failed_over.status, 200) << failed_over.body;
  EXPECT_EQ(failed_over.json()["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(failed_over.header("x-pointsman-deployment"), "gpt-backup");
  EXPECT_EQ(failed_over.header("x-pointsman-attempts"), "2");

  const auto filtered = postChat(plain, filter);
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  EXPECT_EQ(filtered.json()["choices"][0]["finish_reason"], "content_filter");
  EXPECT_EQ(filtered.header("x-pointsman-deployment"), "gpt");
  EXPECT_EQ(filtered.header("x-pointsman-attempts"), "1");
}

TEST_F(AzureProvider, FilteredStreamKeepsContentFilterFinish) {
  start("type: azure_openai, api_key: azure-test-key, forward_headers: [x-sim-fault]");
  auto stream = openStream(R"({"model":"gpt","stream":true,"max_tokens":3,"messages":[{"role":"user","content":"hi"}]})",
                           {{"x-sim-fault", "content_filter"}});
  const auto events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200) << stream->rawBody();
  std::string finish_reason;
  for (const auto& event : events) {
    const auto chunk = nlohmann::json::parse(event.data, nullptr, false);
    if (!chunk.is_object() || !chunk.contains("choices") || chunk["choices"].empty()) continue;
    if (chunk["choices"][0]["finish_reason"].is_string()) finish_reason = chunk["choices"][0]["finish_reason"];
  }
  EXPECT_EQ(finish_reason, "content_filter");
}

TEST_F(AzureProvider, MissingCredentialIsGatewayFault) {
  start("type: azure_openai");
  const auto response = postChat(R"({"model":"gpt","max_tokens":3,"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(response.status, 502) << response.body;
}

}  // namespace
}  // namespace pointsman::test
