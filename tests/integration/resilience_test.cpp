// Retries at the same deployment, circuit breakers, rate-limit cool-downs, request deadlines and
// load shedding, against scripted loopback upstreams.

#include <nlohmann/json.hpp>

#include <thread>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

class Resilience : public GatewayTest {
 protected:
  // True once the two mocks together have received `count` requests.
  bool eventually_requests(std::size_t count) {
    const auto deadline = steady_clock::now() + kWait;
    while (steady_clock::now() < deadline) {
      if (primary_.requestCount() + backup_.requestCount() >= count) return true;
      std::this_thread::sleep_for(milliseconds(1));
    }
    return false;
  }

  void startWith(const std::string& resilience_yaml) {
    auto config = defaultConfig();
    config.rawBlock(resilience_yaml);
    startGateway(config.yaml());
  }
};

TEST_F(Resilience, RetriesSameDeploymentWhenAllowed) {
  primary_.enqueue(Script().status(503, {}, errorJson("overloaded", "server_error")));
  startWith("resilience: { retry: { max_attempts_per_deployment: 2, base_backoff_ms: 10, max_backoff_ms: 20 } }\n");

  const auto response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(response.header("x-pointsman-attempts"), "2");
  EXPECT_EQ(primary_.requestCount(), 2u);
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Resilience, OpenBreakerSkipsDeploymentWithoutCall) {
  for (int i = 0; i < 2; ++i) primary_.enqueue(Script().status(500, {}, errorJson("broken", "server_error")));
  startWith("resilience: { breaker: { consecutive_failures: 2, cool_down_ms: 60000 } }\n");

  for (int i = 0; i < 2; ++i) {
    const auto response = postChat(chatBody("smart"));
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
  }
  const auto third = postChat(chatBody("smart"));

  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(third.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(third.header("x-pointsman-attempts"), "1");
  EXPECT_EQ(primary_.requestCount(), 2u);
  const auto metrics = waitForMetrics([](const std::string& text) {
    return text.find("pointsman_breaker_rejections_total{deployment=\"mini\"} 1") != std::string::npos;
  });
  EXPECT_NE(metrics.find("pointsman_breaker_rejections_total{deployment=\"mini\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("pointsman_breaker_state{deployment=\"mini\"} 2"), std::string::npos) << metrics;
}

TEST_F(Resilience, AllRateLimitedAnswers429WithoutCall) {
  const std::vector<std::pair<std::string, std::string>> retry_after = {{"retry-after", "30"}};
  primary_.enqueue(Script().status(429, retry_after, errorJson("slow down", "rate_limit_error")));
  backup_.enqueue(Script().status(429, retry_after, errorJson("slow down", "rate_limit_error")));
  startWith("resilience: { retry: { retry_same_on_429: false } }\n");

  const auto first = postChat(chatBody("smart"));
  const auto second = postChat(chatBody("smart"));

  EXPECT_EQ(first.status, 429) << first.body;
  EXPECT_EQ(first.header("retry-after"), "30");
  ASSERT_EQ(second.status, 429) << second.body;
  const int wait = std::stoi(second.header("retry-after"));
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, 30);
  EXPECT_EQ(json::parse(second.body)["error"]["type"], "rate_limit_error");
  EXPECT_EQ(primary_.requestCount(), 1u);
  EXPECT_EQ(backup_.requestCount(), 1u);
}

TEST_F(Resilience, ClientDeadlineHeaderEndsTheWait) {
  primary_.enqueue(Script().delay(milliseconds(3000)).status(200, {}, completionJson("late")));
  startGateway();

  const auto started = steady_clock::now();
  const auto response = postChat(chatBody("smart"), {{"x-pointsman-timeout-ms", "300"}});
  const auto elapsed = steady_clock::now() - started;

  EXPECT_EQ(response.status, 504) << response.body;
  EXPECT_LT(elapsed, milliseconds(2500));
  EXPECT_EQ(backup_.requestCount(), 0u);
  EXPECT_EQ(primary_.requests().front().headers.count("x-pointsman-timeout-ms"), 0u);
}

TEST_F(Resilience, OverloadShedsWith503) {
  primary_.enqueue(Script().delay(milliseconds(1500)).status(200, {}, completionJson("slow")));
  startWith("resilience: { max_in_flight: 1 }\n");

  HttpResponse slow;
  std::thread first([&] { slow = postChat(chatBody("smart")); });
  ASSERT_TRUE(primary_.waitForRequests(1, kWait));
  const auto shed = postChat(chatBody("smart"));
  first.join();

  EXPECT_EQ(shed.status, 503) << shed.body;
  EXPECT_EQ(shed.header("retry-after"), "1");
  EXPECT_EQ(json::parse(shed.body)["error"]["code"], "overloaded");
  EXPECT_EQ(slow.status, 200) << slow.body;
}

// A 429 on one key of a pool cools that key down; the deployment keeps serving on the others.
TEST_F(Resilience, RateLimitOnOneKeyKeepsDeploymentServing) {
  const std::vector<std::pair<std::string, std::string>> retry_after = {{"retry-after", "30"}};
  primary_.enqueue(Script().status(429, retry_after, errorJson("slow down", "rate_limit_error")));
  ConfigBuilder config;
  config.provider("primary", primary_.baseUrl(),
                  "api_keys: [{ key: \"sk-test-pool-key-a\" }, { key: \"sk-test-pool-key-b\" }]")
      .deployment("mini", "primary", kUpstreamModel)
      .route("solo", {"mini"});
  startGateway(config.yaml());

  const auto limited = postChat(chatBody("solo"));
  std::vector<HttpResponse> later;
  for (int i = 0; i < 3; ++i) later.push_back(postChat(chatBody("solo")));

  EXPECT_EQ(limited.status, 429) << limited.body;
  for (const auto& response : later) EXPECT_EQ(response.status, 200) << response.body;
  const auto requests = primary_.requests();
  ASSERT_EQ(requests.size(), 4u);
  const auto first_key = requests[0].headers.at("authorization");
  for (std::size_t i = 1; i < requests.size(); ++i) {
    EXPECT_NE(requests[i].headers.at("authorization"), first_key) << "request " << i;
  }
}

// With a balancing strategy the route's deployments form one pool: two requests in flight at once
// go to the two deployments, where ordered failover would send both to the first.
TEST_F(Resilience, LeastOutstandingSpreadsConcurrentRequests) {
  primary_.enqueue(Script().delay(milliseconds(800)).status(200, {}, completionJson("from primary")));
  backup_.enqueue(Script().delay(milliseconds(800)).status(200, {}, completionJson("from backup")));
  auto config = defaultConfig();
  config.route("pool", {"mini", "backup-mini"});
  std::string yaml = config.yaml();
  const std::string pool_route = "pool: { use: [mini, backup-mini]";
  const auto at = yaml.find(pool_route);
  ASSERT_NE(at, std::string::npos) << yaml;
  yaml.insert(at + pool_route.size(), ", balance: least_outstanding");
  startGateway(yaml);

  HttpResponse first;
  std::thread first_request([&] { first = postChat(chatBody("pool")); });
  ASSERT_TRUE(eventually_requests(1));
  const auto second = postChat(chatBody("pool"));
  first_request.join();

  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(primary_.requestCount(), 1u);
  EXPECT_EQ(backup_.requestCount(), 1u);
  EXPECT_NE(first.header("x-pointsman-deployment"), second.header("x-pointsman-deployment"));
}

}  // namespace
}  // namespace pointsman::test
