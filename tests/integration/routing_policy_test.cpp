// Routing rules and policies through a real gateway: the chosen deployment shows in the response
// headers, and an on-premises rule never reaches a cloud deployment.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

class RoutingPolicy : public GatewayTest {
 protected:
  void TearDown() override {
    onPremises_.stop();
    GatewayTest::TearDown();
  }

  /// Returns the default config plus `routeEntries` under `routes:`. The default config ends
  /// with its `routes:` block, so the entries are appended to it.
  std::string configWithRoutes(const std::string& routeEntries) const {
    return defaultConfig().yaml() + routeEntries;
  }

  static std::string chatWith(const std::string& model, const std::string& extraFields) {
    return R"({"model":")" + model + R"(","messages":[{"role":"user","content":"hi"}],)" + extraFields + "}";
  }

  MockUpstream onPremises_;
};

TEST_F(RoutingPolicy, HeaderRuleChoosesDeployment) {
  startGateway(configWithRoutes(R"(
  auto:
    rules:
      - { when: { header: { x-team: research } }, use: [backup-mini] }
    otherwise: { use: [mini] }
)"));

  HttpResponse research = postChat(chatBody("auto"), {{"X-Team", "research"}});
  HttpResponse other = postChat(chatBody("auto"), {{"X-Team", "sales"}});

  ASSERT_EQ(research.status, 200) << research.body;
  EXPECT_EQ(research.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(research.header("x-pointsman-decision"), "route=auto rule=0 policy=use -> backup-mini");
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(other.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(other.header("x-pointsman-decision"), "route=auto rule=otherwise policy=use -> mini");
  EXPECT_EQ(backup_.requestCount(), 1u);
  EXPECT_EQ(primary_.requestCount(), 1u);
}

TEST_F(RoutingPolicy, AnalyzedFeaturesDriveRules) {
  startGateway(configWithRoutes(R"(
  auto:
    rules:
      - { when: { tools: true }, use: [backup-mini] }
      - { when: { json_mode: true, max_tokens: { lte: 100 } }, use: [backup-mini] }
    otherwise: { use: [mini] }
)"));
  const std::string tools =
      R"("tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}])";

  HttpResponse with_tools = postChat(chatWith("auto", tools));
  HttpResponse json_short = postChat(chatWith("auto", R"("response_format":{"type":"json_object"},"max_tokens":50)"));
  HttpResponse json_long = postChat(chatWith("auto", R"("response_format":{"type":"json_object"},"max_tokens":500)"));

  ASSERT_EQ(with_tools.status, 200) << with_tools.body;
  EXPECT_EQ(with_tools.header("x-pointsman-deployment"), "backup-mini");
  ASSERT_EQ(json_short.status, 200) << json_short.body;
  EXPECT_EQ(json_short.header("x-pointsman-deployment"), "backup-mini");
  ASSERT_EQ(json_long.status, 200) << json_long.body;
  EXPECT_EQ(json_long.header("x-pointsman-deployment"), "mini");
}

TEST_F(RoutingPolicy, CostPolicyPicksCheapestThatFits) {
  // mini: 128k context, backup-mini: 64k context and cheaper here.
  ConfigBuilder config = defaultConfig();
  std::string yaml = config.yaml();
  const auto pricey = yaml.find("context: 128000");
  yaml.insert(pricey, "price: { input: 2.0, output: 8.0 }, ");
  const auto cheap = yaml.find("context: 64000");
  yaml.insert(cheap, "price: { input: 0.1, output: 0.4 }, ");
  startGateway(yaml + "  thrifty: { cost: { from: [mini, backup-mini] } }\n");

  HttpResponse small = postChat(chatBody("thrifty"));
  HttpResponse large = postChat(chatWith("thrifty", R"("max_tokens":100000)"));

  ASSERT_EQ(small.status, 200) << small.body;
  EXPECT_EQ(small.header("x-pointsman-deployment"), "backup-mini");
  ASSERT_EQ(large.status, 200) << large.body;
  EXPECT_EQ(large.header("x-pointsman-deployment"), "mini");
  EXPECT_NE(large.header("x-pointsman-decision").find("policy=cost cheapest=mini"), std::string::npos)
      << large.header("x-pointsman-decision");
}

TEST_F(RoutingPolicy, PiiStaysOnPremisesUnderFailure) {
  // Both on-premises deployments fail; the cloud deployments listed beside them must not be tried.
  primary_.setDefault(Script().status(200, {{"content-type", "application/json"}}, completionJson("cloud")));
  backup_.setDefault(Script().status(503, {}, errorJson("down", "server_error")));
  onPremises_.setDefault(Script().status(503, {}, errorJson("down", "server_error")));
  ConfigBuilder config = defaultConfig();
  config.provider("onprem", onPremises_.baseUrl(), "tags: [on_premises], timeouts: { connect_ms: 1000 }")
      .deployment("local", "onprem", "local-model", "context: 32000");
  std::string yaml = config.yaml();
  // The backup provider counts as on premises in this test.
  yaml.insert(yaml.find("timeouts: { connect_ms: 1000, idle_ms: 1000 }"), "tags: [on_premises], ");
  startGateway(yaml + R"(
  private:
    retry: { max_attempts_per_deployment: 2 }
    rules:
      - { when: { pii: any }, use: [mini, local, backup-mini], on_premises_only: true }
    otherwise: { use: [mini] }
)");
  const std::string secret_body =
      R"({"model":"private","messages":[{"role":"user","content":"Mail alice@example.com the report"}]})";

  HttpResponse response = postChat(secret_body);

  EXPECT_GE(response.status, 500) << response.body;
  EXPECT_NE(response.header("x-pointsman-decision").find("on_premises_only"), std::string::npos)
      << response.header("x-pointsman-decision");
  EXPECT_EQ(onPremises_.requestCount(), 2u);
  EXPECT_EQ(backup_.requestCount(), 2u);
  EXPECT_EQ(primary_.requestCount(), 0u);

  // A request without PII takes the cloud route.
  HttpResponse plain = postChat(chatBody("private"));
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.header("x-pointsman-deployment"), "mini");
}

TEST_F(RoutingPolicy, UnmatchedRouteWithoutOtherwiseIs503) {
  startGateway(configWithRoutes(R"(
  picky:
    rules:
      - { when: { header: { x-team: research } }, use: [mini] }
)"));

  HttpResponse response = postChat(chatBody("picky"));

  EXPECT_EQ(response.status, 503) << response.body;
  EXPECT_EQ(response.json()["error"]["code"], "no_matching_rule") << response.body;
  EXPECT_EQ(primary_.requestCount(), 0u);
}

TEST_F(RoutingPolicy, ExplainShowsPlanWithoutUpstream) {
  startGateway(configWithRoutes(R"(
  auto:
    rules:
      - { when: { tier: free }, use: [backup-mini] }
    otherwise: { use: [mini] }
)"));
  const std::string body =
      R"({"model":"auto","messages":[{"role":"user","content":"hi"}],"principal":{"tier":"free"}})";

  HttpResponse response = post(gateway_->adminPort(), "/admin/explain", body, {}, kWait);
  HttpResponse wrong_method = get(gateway_->adminPort(), "/admin/explain", {}, kWait);
  HttpResponse bad_model = post(gateway_->adminPort(), "/admin/explain", chatBody("nope"), {}, kWait);

  ASSERT_EQ(response.status, 200) << response.body;
  const nlohmann::json explained = response.json();
  EXPECT_EQ(explained["plan"]["candidates"][0]["deployment"], "backup-mini") << response.body;
  EXPECT_EQ(explained["plan"]["decision"], "route=auto rule=0 policy=use -> backup-mini");
  EXPECT_EQ(explained["trace"]["decided_by"], "routes.auto.rules[0]");
  EXPECT_EQ(explained["features"]["turns"], 1);
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(bad_model.status, 404) << bad_model.body;
  EXPECT_EQ(primary_.requestCount(), 0u);
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(RoutingPolicy, DecisionsAndDriftAreExported) {
  startGateway(configWithRoutes("  auto: { otherwise: { use: [mini] } }\n"));

  ASSERT_EQ(postChat(chatBody("auto")).status, 200);
  const std::string text = waitForMetrics([](const std::string& exposition) {
    return exposition.find(R"(pointsman_route_decisions_total{route="auto",deployment="mini"} 1)") != std::string::npos;
  });

  EXPECT_NE(text.find(R"(pointsman_route_decisions_total{route="auto",deployment="mini"} 1)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(pointsman_feature_drift_psi{feature="prompt_tokens"})"), std::string::npos) << text;
}

}  // namespace
}  // namespace pointsman::test
