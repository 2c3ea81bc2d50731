// Hedged requests, fan-out, deployment limits and active health checks, against scripted
// loopback upstreams.

#include <nlohmann/json.hpp>

#include <future>
#include <thread>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

class Hedging : public GatewayTest {
 protected:
  /// The default providers and deployments plus `judge` (at the primary provider), with route
  /// `smart` made of `route_fields`.
  void startWithRoute(const std::string& route_fields, const std::string& extra_yaml = {},
                      const std::string& mini_fields = "context: 128000") {
    ConfigBuilder config;
    config.serverField("stream_keepalive_ms: 5000")
        .provider("primary", primary_.baseUrl(),
                  "api_key: \"${PRIMARY_KEY:-sk-test-CANARY-provider-7f3a9c}\", timeouts: { connect_ms: 1000, "
                  "first_token_ms: 5000, idle_ms: 5000 }")
        .provider("backup", backup_.baseUrl(), "timeouts: { connect_ms: 1000, idle_ms: 5000 }")
        .deployment("mini", "primary", kUpstreamModel, mini_fields)
        .deployment("backup-mini", "backup", "backup-model", "context: 64000")
        .deployment("judge", "primary", "judge-model")
        .routeEntry("smart", route_fields);
    if (!extra_yaml.empty()) config.rawBlock(extra_yaml);
    startGateway(config.yaml());
  }
};

TEST_F(Hedging, SlowFirstDeploymentLosesToTheHedge) {
  primary_.enqueue(Script().delay(milliseconds(3000)).status(200, {}, completionJson("slow")));
  backup_.enqueue(Script().status(200, {}, completionJson("fast", "backup-model")));
  startWithRoute("use: [mini, backup-mini], hedge: { after_ms: 100, max_extra_percent: 100 }");

  const auto started = std::chrono::steady_clock::now();
  const auto response = postChat(chatBody("smart"));
  const auto elapsed = std::chrono::steady_clock::now() - started;

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(json::parse(response.body)["choices"][0]["message"]["content"], "fast");
  EXPECT_LT(elapsed, milliseconds(2500));
  // The slow attempt was cancelled: its connection closed long before its answer was due.
  EXPECT_TRUE(primary_.waitForClosedConnections(1, milliseconds(2000)));
  const auto metrics = waitForMetrics([](const std::string& text) {
    return text.find("pointsman_hedges_total{route=\"smart\",result=\"won\"} 1") != std::string::npos;
  });
  EXPECT_NE(metrics.find("pointsman_hedges_total{route=\"smart\",result=\"started\"} 1"), std::string::npos) << metrics;
}

TEST_F(Hedging, FastFirstDeploymentNeedsNoHedge) {
  startWithRoute("use: [mini, backup-mini], hedge: { after_ms: 500, max_extra_percent: 100 }");

  const auto response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Hedging, EmptyBudgetSendsNoHedge) {
  primary_.enqueue(Script().delay(milliseconds(400)).status(200, {}, completionJson("slow")));
  // 1 % of one request is not a whole hedge yet.
  startWithRoute("use: [mini, backup-mini], hedge: { after_ms: 50, max_extra_percent: 1 }");

  const auto response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Hedging, StreamHedgeWinsAtTheFirstContentEvent) {
  primary_.enqueue(Script().delay(milliseconds(3000)).streamHeaders().chunk(contentEvent("slow")).chunk(doneEvent()).endChunked());
  backup_.enqueue(Script().streamHeaders().chunk(roleEvent()).chunk(contentEvent("fast")).chunk(finishEvent())
                      .chunk(doneEvent()).endChunked());
  startWithRoute("use: [mini, backup-mini], hedge: { after_ms: 100, max_extra_percent: 100 }");

  auto stream = openStream(chatBody("smart", true));
  const auto events = stream->readAll(milliseconds(5000));

  EXPECT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->head().header("x-pointsman-deployment"), "backup-mini");
  std::string text;
  for (const auto& event : events) text += event.data;
  EXPECT_NE(text.find("\"fast\""), std::string::npos) << text;
  EXPECT_EQ(text.find("slow"), std::string::npos) << text;
}

TEST_F(Hedging, FailedFirstAttemptFailsOverBeforeTheHedgeDelay) {
  primary_.enqueue(Script().status(500, {}, errorJson("broken", "server_error")));
  startWithRoute("use: [mini, backup-mini], hedge: { after_ms: 2000, max_extra_percent: 100 }");

  const auto response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(response.header("x-pointsman-attempts"), "2");
}

TEST_F(Hedging, FanOutAllReturnsOneChoicePerDeployment) {
  primary_.enqueue(Script().status(200, {}, completionJson("from mini")));
  backup_.enqueue(Script().status(200, {}, completionJson("from backup", "backup-model")));
  startWithRoute("use: [mini, backup-mini], fan_out: { mode: all }");

  const auto response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = json::parse(response.body);
  ASSERT_EQ(body["choices"].size(), 2u);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "from mini");
  EXPECT_EQ(body["choices"][0]["deployment"], "mini");
  EXPECT_EQ(body["choices"][1]["index"], 1);
  EXPECT_EQ(body["choices"][1]["deployment"], "backup-mini");
  EXPECT_EQ(response.header("x-pointsman-fan-out"), "answered=mini,backup-mini chosen=all");
}

TEST_F(Hedging, FanOutJudgePicksTheAnswerItNames) {
  primary_.enqueue(Script().status(200, {}, completionJson("weak answer")));
  backup_.enqueue(Script().status(200, {}, completionJson("strong answer", "backup-model")));
  // The judge is a third deployment at the primary provider; its queue's second script replies.
  primary_.enqueue(Script().status(200, {}, completionJson("Answer 2 is best.")));
  startWithRoute("use: [mini, backup-mini], fan_out: { mode: judge, judge: judge }");

  const auto response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::parse(response.body)["choices"][0]["message"]["content"], "strong answer");
  EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
  ASSERT_EQ(primary_.requestCount(), 2u);
  const auto judge_request = json::parse(primary_.requests()[1].body);
  EXPECT_NE(judge_request["messages"][1]["content"].get<std::string>().find("Answer 2:\nstrong answer"),
            std::string::npos);
}

TEST_F(Hedging, FanOutAnswersWhenOneDeploymentFails) {
  primary_.enqueue(Script().status(500, {}, errorJson("broken", "server_error")));
  backup_.enqueue(Script().status(200, {}, completionJson("only one", "backup-model")));
  startWithRoute("use: [mini, backup-mini], fan_out: { mode: all }");

  const auto response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::parse(response.body)["choices"].size(), 1u);
  EXPECT_EQ(response.header("x-pointsman-fan-out"), "answered=backup-mini chosen=all");
}

TEST_F(Hedging, FanOutAllRefusesStreams) {
  startWithRoute("use: [mini, backup-mini], fan_out: { mode: all }");

  const auto response = postChat(chatBody("smart", true));

  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_EQ(json::parse(response.body)["error"]["param"], "stream");
  EXPECT_EQ(primary_.requestCount() + backup_.requestCount(), 0u);
}

TEST_F(Hedging, ConcurrencyLimitSpillsToTheNextDeployment) {
  primary_.setDefault(Script().delay(milliseconds(600)).status(200, {}, completionJson("held")));
  startWithRoute("use: [mini, backup-mini]", {},
                 "context: 128000, limits: { max_concurrent: 1, max_queue: 0 }");

  auto first = std::async(std::launch::async, [this] { return postChat(chatBody("smart")); });
  ASSERT_TRUE(primary_.waitForRequests(1, milliseconds(3000)));
  const auto second = postChat(chatBody("smart"));
  const auto first_response = first.get();

  EXPECT_EQ(first_response.header("x-pointsman-deployment"), "mini");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(primary_.requestCount(), 1u);
}

TEST_F(Hedging, QueuedRequestWaitsForTheFreeSlot) {
  primary_.setDefault(Script().delay(milliseconds(300)).status(200, {}, completionJson("held")));
  startWithRoute("use: [mini, backup-mini]", {},
                 "context: 128000, limits: { max_concurrent: 1, max_queue: 4, queue_timeout_ms: 5000 }");

  auto first = std::async(std::launch::async, [this] { return postChat(chatBody("smart")); });
  ASSERT_TRUE(primary_.waitForRequests(1, milliseconds(3000)));
  const auto second = postChat(chatBody("smart"));

  EXPECT_EQ(first.get().status, 200);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Hedging, RequestsPerMinuteLimitAnswers429WithTheWait) {
  startWithRoute("use: [mini]", {}, "context: 128000, limits: { rpm: 2 }");

  EXPECT_EQ(postChat(chatBody("smart")).status, 200);
  EXPECT_EQ(postChat(chatBody("smart")).status, 200);
  const auto third = postChat(chatBody("smart"));

  EXPECT_EQ(third.status, 429) << third.body;
  const auto retry_after = std::stoi(third.header("retry-after"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 31);
  EXPECT_EQ(primary_.requestCount(), 2u);
}

TEST_F(Hedging, FailingHealthChecksOpenTheBreakerBeforeAnyRequest) {
  primary_.setDefault(Script().status(503, {}, errorJson("down", "server_error")));
  ConfigBuilder config;
  config.provider("primary", primary_.baseUrl(),
                  "timeouts: { connect_ms: 1000 }, health_check: { interval_ms: 50, timeout_ms: 500 }")
      .provider("backup", backup_.baseUrl(), "timeouts: { connect_ms: 1000 }")
      .deployment("mini", "primary", kUpstreamModel, "context: 128000")
      .deployment("backup-mini", "backup", "backup-model", "context: 64000")
      .route("smart", {"mini", "backup-mini"})
      .rawBlock("resilience: { breaker: { consecutive_failures: 2, cool_down_ms: 60000 } }\n");
  startGateway(config.yaml());

  const auto metrics = waitForMetrics([](const std::string& text) {
    return text.find("pointsman_breaker_state{deployment=\"mini\"} 2") != std::string::npos;
  });
  ASSERT_NE(metrics.find("pointsman_breaker_state{deployment=\"mini\"} 2"), std::string::npos) << metrics;
  const auto checks_before = primary_.requestCount();
  EXPECT_EQ(primary_.requests().front().target, "/v1/models");

  const auto response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(response.header("x-pointsman-attempts"), "1");
  for (const auto& request : primary_.requests()) EXPECT_EQ(request.target, "/v1/models");
  EXPECT_GE(primary_.requestCount(), checks_before);
}

}  // namespace
}  // namespace pointsman::test
