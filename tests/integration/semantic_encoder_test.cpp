// Semantic routes whose encoder is an embeddings deployment: the simulator embeds the examples
// and each request's text (texts that share words get similar vectors), and the response headers
// name the deployment that the match chose. A dead encoder makes the policy fall through.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/loopback_port.hpp"
#include "support/prometheus_text.hpp"
#include "support/simulator_process.hpp"

#include <string>

namespace pointsman::test {
namespace {

using nlohmann::json;

/// Billing questions go to backup-mini; everything else, and every request the encoder cannot
/// help with, to mini.
constexpr const char* kSupportRoute = R"(
  support:
    rules:
      - semantic:
          threshold: 0.8
          encoder: { deployment: embed, dimensions: 256, timeout_ms: 2000 }
          routes:
            billing: { examples: ["refund my last invoice", "why was my card charged twice"], use: [backup-mini] }
            shipping: { examples: ["where is my parcel", "track my delivery"], use: [mini] }
    otherwise: { use: [mini] }
)";

class SemanticEncoder : public GatewayTest {
 protected:
  void TearDown() override {
    GatewayTest::TearDown();
    simulator_.reset();
  }

  /// Starts the gateway with the `embed` deployment at `embeddingsUrl` and the support route.
  void startWithEncoderAt(const std::string& embeddingsUrl) {
    ConfigBuilder config = defaultConfig();
    // One worker, so that a repeated text meets the same per-worker cache.
    config.serverField("workers: 1")
        .provider("embedder", embeddingsUrl, "timeouts: { connect_ms: 500 }")
        .deployment("embed", "embedder", "sim-embed", "capabilities: [embeddings]");
    // The default config ends with its `routes:` block, so the route is appended to it. The
    // request log goes to standard output, where the test reads the decision trace.
    startGateway(config.yaml() + kSupportRoute + "telemetry: { request_log: \"-\" }\n");
  }

  static std::string chatSaying(const std::string& content) {
    return json{{"model", "support"}, {"messages", {{{"role", "user"}, {"content", content}}}}}.dump();
  }

  /// Calls that the embeddings deployment answered with success.
  double embeddingCalls() {
    const auto text = adminGet("/metrics").body;
    return metricSum(text, "pointsman_upstream_attempts_total", R"(deployment="embed",outcome="ok")").value_or(0);
  }

  std::unique_ptr<SimulatorProcess> simulator_;
};

TEST_F(SemanticEncoder, EmbeddingMatchChoosesTheRoute) {
  simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "0"});
  startWithEncoderAt(simulator_->baseUrl());

  const auto billing = postChat(chatSaying("Why was my card charged twice?"));
  const auto unrelated = postChat(chatSaying("Compose a sonnet about autumn leaves."));
  const auto billing_again = postChat(chatSaying("Why was my card charged twice?"));

  ASSERT_EQ(billing.status, 200) << billing.body;
  EXPECT_EQ(billing.header("x-pointsman-deployment"), "backup-mini") << billing.header("x-pointsman-decision");
  EXPECT_NE(billing.header("x-pointsman-decision").find("policy=semantic semantic billing=1.00"), std::string::npos)
      << billing.header("x-pointsman-decision");
  ASSERT_EQ(unrelated.status, 200) << unrelated.body;
  EXPECT_EQ(unrelated.header("x-pointsman-deployment"), "mini") << unrelated.header("x-pointsman-decision");
  ASSERT_EQ(billing_again.status, 200) << billing_again.body;
  EXPECT_EQ(billing_again.header("x-pointsman-deployment"), "backup-mini");
  // The first call carried the examples and the first text, the second the new text; the repeated
  // text came from the cache.
  EXPECT_EQ(embeddingCalls(), 2);
}

TEST_F(SemanticEncoder, DeadEncoderFallsThroughAndTraceSaysWhy) {
  startWithEncoderAt("http://127.0.0.1:" + std::to_string(unusedLoopbackPort()) + "/v1");

  const auto response = postChat(chatSaying("Why was my card charged twice?"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini") << response.header("x-pointsman-decision");
  EXPECT_EQ(backup_.requestCount(), 0u);
  ASSERT_TRUE(gateway_->waitForLog("\"decision_trace\"", kWait));
  const std::string log = gateway_->logText();
  const auto line_start = log.rfind('\n', log.find("\"decision_trace\"")) + 1;
  const auto record = json::parse(log.substr(line_start, log.find('\n', line_start) - line_start));
  const auto& trace = record["decision_trace"];
  EXPECT_EQ(trace["inputs"]["semantic_route"], "unavailable") << trace.dump();
  EXPECT_NE(trace["rules"][0]["detail"].get<std::string>().find("encoder embed failed"), std::string::npos)
      << trace.dump();
}

}  // namespace
}  // namespace pointsman::test
