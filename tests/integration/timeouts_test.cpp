// Per-phase upstream timeouts: a long healthy stream is never cut by a total deadline, an idle
// gap mid-stream ends it with an error event, and timeouts before the commit point fail over.
// The case's 120 s stream and 20 s idle limit are scaled down to 3 s and 1 s.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class Timeouts : public GatewayTest {};

std::size_t countContentEvents(const std::vector<ReceivedEvent>& events) {
  std::size_t count = 0;
  for (const auto& event : events) {
    if (event.data.find("\"tok") != std::string::npos) ++count;
  }
  return count;
}

TEST_F(Timeouts, HealthyLongStreamCompletes) {
  constexpr int kEvents = 30;
  Script script;
  script.streamHeaders().delay(milliseconds(500)).chunk(roleEvent());
  for (int i = 0; i < kEvents; ++i) {
    script.chunk(contentEvent("tok" + std::to_string(i))).delay(milliseconds(100));
  }
  script.chunk(finishEvent()).chunk(doneEvent()).endChunked();
  primary_.enqueue(script);
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  std::vector<ReceivedEvent> events = stream->readAll(std::chrono::seconds(15));

  ASSERT_EQ(stream->status(), 200);
  EXPECT_TRUE(stream->ended());
  EXPECT_EQ(countContentEvents(events), static_cast<std::size_t>(kEvents));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]");
  for (const auto& event : events) {
    EXPECT_EQ(event.data.find("\"error\""), std::string::npos) << event.data;
  }
}

// The primary's idle limit is 1000 ms. A 1500 ms gap after five events must end the stream with
// an in-band error event about a second after the last event, and close the upstream.
TEST_F(Timeouts, IdleGapMidStreamEndsWithErrorEvent) {
  Script script;
  script.streamHeaders().chunk(roleEvent());
  for (int i = 0; i < 5; ++i) {
    script.chunk(contentEvent("tok" + std::to_string(i))).delay(milliseconds(100));
  }
  script.delay(milliseconds(1500));
  for (int i = 5; i < 10; ++i) script.chunk(contentEvent("tok" + std::to_string(i)));
  script.chunk(finishEvent()).chunk(doneEvent()).endChunked();
  primary_.enqueue(script);
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  EXPECT_TRUE(stream->ended());
  EXPECT_EQ(countContentEvents(events), 5u);
  ASSERT_GE(events.size(), 2u);
  json last = json::parse(events.back().data, nullptr, false);
  ASSERT_TRUE(last.is_object()) << events.back().data;
  EXPECT_TRUE(last["error"].is_object()) << events.back().data;
  auto gap = std::chrono::duration_cast<milliseconds>(events.back().arrived -
                                                      events[events.size() - 2].arrived);
  EXPECT_GE(gap.count(), 800);
  EXPECT_LT(gap.count(), 1450);
  EXPECT_TRUE(primary_.waitForClosedConnections(1, std::chrono::seconds(2)));
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Timeouts, SlowNonStreamedAnswerSucceeds) {
  primary_.enqueue(Script().delay(milliseconds(1500)).status(200, {}, completionJson("slow")));
  startGateway(
      defaultConfig("timeouts: { connect_ms: 1000, response_headers_ms: 3000, idle_ms: 1000 }")
          .yaml());

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json()["choices"][0]["message"]["content"], "slow");
}

TEST_F(Timeouts, ResponseHeadersTimeoutFailsOver) {
  primary_.enqueue(Script().stall());
  startGateway(defaultConfig("timeouts: { connect_ms: 1000, response_headers_ms: 500 }").yaml());

  Clock::time_point start = Clock::now();
  HttpResponse response = postChat(chatBody("smart"));
  auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_LT(elapsed.count(), 3000);
  EXPECT_TRUE(primary_.waitForClosedConnections(1, std::chrono::seconds(2)));
}

// With no deployment left to try, the client learns that the upstream timed out (504), not
// that the read failed (502): the cancelled read must still count as a timeout.
TEST_F(Timeouts, ResponseHeadersTimeoutOfTheLastDeploymentIs504) {
  primary_.enqueue(Script().stall());
  startGateway(defaultConfig("timeouts: { connect_ms: 1000, response_headers_ms: 300 }").yaml());

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 504) << response.body;
  EXPECT_EQ(response.json()["error"]["code"], "upstream_timeout");
  EXPECT_NE(response.body.find("response_headers_timeout"), std::string::npos) << response.body;
}

// The upstream returned 200 but sends no content: the first-token limit ends the attempt, and
// because nothing was committed the next deployment serves the stream.
TEST_F(Timeouts, FirstTokenTimeoutFailsOverBeforeCommit) {
  primary_.enqueue(Script().streamHeaders().chunk(roleEvent()).stall());
  backup_.enqueue(Script()
                      .streamHeaders()
                      .chunk(roleEvent())
                      .chunk(contentEvent("backup answer"))
                      .chunk(finishEvent())
                      .chunk(doneEvent())
                      .endChunked());
  startGateway(
      defaultConfig("timeouts: { connect_ms: 1000, first_token_ms: 500, idle_ms: 5000 }").yaml());

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  EXPECT_TRUE(stream->ended());
  EXPECT_NE(stream->rawBody().find("backup answer"), std::string::npos) << stream->rawBody();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]");
  EXPECT_EQ(backup_.requestCount(), 1u);
}

}  // namespace
}  // namespace pointsman::test
