// Failover between a route's deployments, and which upstream failures must not fail over.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/loopback_port.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

class Failover : public GatewayTest {
 protected:
  void expectServedByBackup(const HttpResponse& response) {
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("x-pointsman-route"), "smart");
    EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
    EXPECT_EQ(response.header("x-pointsman-attempts"), "2");
    ASSERT_EQ(backup_.requestCount(), 1u);
    EXPECT_EQ(json::parse(backup_.requests().front().body)["model"], "backup-model");
  }
};

TEST_F(Failover, NextDeploymentAfterConnectionRefused) {
  ConfigBuilder config;
  config.serverField("drain_timeout_ms: 3000")
      .provider("primary", "http://127.0.0.1:" + std::to_string(unusedLoopbackPort()) + "/v1",
                "timeouts: { connect_ms: 1000 }")
      .provider("backup", backup_.baseUrl())
      .deployment("mini", "primary", kUpstreamModel)
      .deployment("backup-mini", "backup", "backup-model")
      .route("smart", {"mini", "backup-mini"});
  startGateway(config.yaml());

  HttpResponse response = postChat(chatBody("smart"));

  expectServedByBackup(response);
}

TEST_F(Failover, NextDeploymentAfterConnectionReset) {
  primary_.enqueue(Script().reset());
  startGateway();

  HttpResponse response = postChat(chatBody("smart"));

  expectServedByBackup(response);
  EXPECT_EQ(primary_.requestCount(), 1u);
}

TEST_F(Failover, NextDeploymentAfterServerError) {
  primary_.enqueue(Script().status(500, {}, errorJson("internal error", "server_error")));
  startGateway();

  HttpResponse response = postChat(chatBody("smart"));

  expectServedByBackup(response);
}

TEST_F(Failover, NextDeploymentAfterRateLimit) {
  primary_.enqueue(
      Script().status(429, {{"Retry-After", "7"}},
                      errorJson("Rate limit reached", "requests", "rate_limit_exceeded")));
  startGateway();

  HttpResponse response = postChat(chatBody("smart"));

  expectServedByBackup(response);
}

TEST_F(Failover, StreamMovesToNextDeploymentBeforeCommitPoint) {
  primary_.enqueue(Script().status(503, {}, errorJson("overloaded", "server_error")));
  backup_.enqueue(Script()
                      .streamHeaders()
                      .chunk(roleEvent())
                      .chunk(contentEvent("from backup"))
                      .chunk(finishEvent())
                      .chunk(doneEvent())
                      .endChunked());
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->head().header("x-pointsman-deployment"), "backup-mini");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]");
  EXPECT_NE(stream->rawBody().find("from backup"), std::string::npos);
}

// The upstream returned 200 and the role preamble, then failed before any content: nothing was
// committed to the client yet, so the next deployment may still serve the whole stream.
TEST_F(Failover, StreamResetBeforeFirstContentMovesOn) {
  primary_.enqueue(
      Script().streamHeaders().chunk(roleEvent()).delay(std::chrono::milliseconds(50)).reset());
  backup_.enqueue(Script()
                      .streamHeaders()
                      .chunk(roleEvent())
                      .chunk(contentEvent("from backup"))
                      .chunk(finishEvent())
                      .chunk(doneEvent())
                      .endChunked());
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  EXPECT_TRUE(stream->ended());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]");
  EXPECT_NE(stream->rawBody().find("from backup"), std::string::npos);
  EXPECT_EQ(stream->rawBody().find("\"error\""), std::string::npos) << stream->rawBody();
  EXPECT_EQ(backup_.requestCount(), 1u);
}

// A context-length 400 is deterministic: another attempt would fail the same way (the backup's
// window is smaller), and the client needs the upstream's own error to fix its request.
TEST_F(Failover, NoFailoverOnContextLengthExceeded) {
  const std::string upstreamError = errorJson(
      "This model's maximum context length is 128000 tokens. However, your messages resulted in "
      "130001 tokens.",
      "invalid_request_error", "context_length_exceeded", "messages");
  primary_.enqueue(Script().status(400, {}, upstreamError));
  startGateway();

  HttpResponse response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 400) << response.body;
  json error = response.json();
  json expected = json::parse(upstreamError);
  EXPECT_EQ(error["error"]["type"], expected["error"]["type"]);
  EXPECT_EQ(error["error"]["code"], expected["error"]["code"]);
  EXPECT_EQ(error["error"]["param"], expected["error"]["param"]);
  EXPECT_EQ(error["error"]["message"], expected["error"]["message"]);
  EXPECT_EQ(primary_.requestCount(), 1u);
  EXPECT_EQ(backup_.requestCount(), 0u);
}

class DeterministicClientError : public Failover, public ::testing::WithParamInterface<int> {};

TEST_P(DeterministicClientError, IsReturnedUnchangedWithoutFailover) {
  const int status = GetParam();
  const std::string upstreamError =
      errorJson("upstream says " + std::to_string(status), "invalid_request_error", "some_code");
  primary_.enqueue(Script().status(status, {}, upstreamError));
  startGateway();

  HttpResponse response = postChat(chatBody("smart"));

  EXPECT_EQ(response.status, status) << response.body;
  EXPECT_EQ(response.json()["error"]["message"], "upstream says " + std::to_string(status));
  EXPECT_EQ(backup_.requestCount(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Statuses, DeterministicClientError, ::testing::Values(404, 413, 422));

// An upstream 401 means the gateway's provider key is wrong, not the client's.
TEST_F(Failover, UpstreamUnauthorizedIsBadGatewayNamingDeployment) {
  primary_.enqueue(
      Script().status(401, {}, errorJson("Incorrect API key provided", "invalid_request_error")));
  startGateway();

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 502) << response.body;
  json error = response.json();
  ASSERT_TRUE(error["error"].is_object()) << response.body;
  EXPECT_NE(error["error"].value("message", "").find("mini"), std::string::npos) << response.body;
}

TEST_F(Failover, UpstreamForbiddenContinuesWithNextDeployment) {
  primary_.enqueue(Script().status(403, {}, errorJson("Forbidden", "invalid_request_error")));
  startGateway();

  HttpResponse response = postChat(chatBody("smart"));

  expectServedByBackup(response);
}

TEST_F(Failover, AllAttemptsFailedNamesEveryDeployment) {
  primary_.setDefault(Script().status(503, {}, errorJson("overloaded", "server_error")));
  backup_.setDefault(Script().status(500, {}, errorJson("internal", "server_error")));
  startGateway();

  HttpResponse response = postChat(chatBody("smart"));

  EXPECT_TRUE(response.status == 502 || response.status == 503 || response.status == 504)
      << response.status;
  json error = response.json();
  ASSERT_TRUE(error["error"].is_object()) << response.body;
  std::string message = error["error"].value("message", "");
  EXPECT_NE(message.find("mini"), std::string::npos) << message;
  EXPECT_NE(message.find("backup-mini"), std::string::npos) << message;
  EXPECT_EQ(response.header("x-pointsman-route"), "smart");
}

TEST_F(Failover, LastRateLimitKeepsRetryAfter) {
  primary_.setDefault(
      Script().status(429, {{"Retry-After", "7"}}, errorJson("Rate limit reached", "requests")));
  backup_.setDefault(
      Script().status(429, {{"Retry-After", "11"}}, errorJson("Rate limit reached", "requests")));
  startGateway();

  HttpResponse response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 429) << response.body;
  EXPECT_EQ(response.header("retry-after"), "11");
  EXPECT_TRUE(response.json()["error"].is_object()) << response.body;
}

}  // namespace
}  // namespace pointsman::test
