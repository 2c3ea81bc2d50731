// A client that leaves cancels the upstream attempt at once, and no later attempt starts.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The gateway must close the upstream connection within this time of the client leaving.
constexpr milliseconds kCancelBound{1000};

// 200 content events 100 ms apart: far longer than any test runs.
Script longStream() {
  Script script;
  script.streamHeaders().chunk(roleEvent());
  for (int i = 0; i < 200; ++i) {
    script.chunk(contentEvent("token" + std::to_string(i) + " ")).delay(milliseconds(100));
  }
  return script.chunk(finishEvent()).chunk(doneEvent()).endChunked();
}

class Cancellation : public GatewayTest {
 protected:
  // Checks that `upstream` saw its connection closed by the gateway within kCancelBound of
  // `clientLeft`.
  static void expectUpstreamClosedSoonAfter(MockUpstream& upstream, Clock::time_point clientLeft) {
    ASSERT_TRUE(upstream.waitForClosedConnections(1, std::chrono::seconds(5)))
        << "the gateway kept the upstream connection open after the client left";
    for (const auto& record : upstream.connections()) {
      if (!record.closedByPeer || !record.closed) continue;
      auto delay = std::chrono::duration_cast<milliseconds>(*record.closed - clientLeft);
      EXPECT_LT(delay.count(), kCancelBound.count());
    }
  }
};

TEST_F(Cancellation, ClientLeavingMidStreamClosesUpstream) {
  primary_.enqueue(longStream());
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  int contentEvents = 0;
  while (contentEvents < 2) {
    auto event = stream->nextEvent(kWait);
    ASSERT_TRUE(event.has_value()) << "stream ended early: " << stream->rawBody();
    if (event->data.find("token") != std::string::npos) ++contentEvents;
  }
  stream->close();
  Clock::time_point clientLeft = Clock::now();

  expectUpstreamClosedSoonAfter(primary_, clientLeft);
  EXPECT_EQ(primary_.requestCount(), 1u);

  // The connection left mid-response must not go back to the pool: the next request works.
  HttpResponse next = postChat(chatBody("mini"));
  EXPECT_EQ(next.status, 200) << next.body;
  ASSERT_EQ(primary_.requestCount(), 2u);
  EXPECT_NE(primary_.requests().back().connectionIndex,
            primary_.requests().front().connectionIndex);
}

TEST_F(Cancellation, ClientLeavingBeforeFirstByteClosesUpstream) {
  primary_.enqueue(Script().delay(milliseconds(5000)).streamHeaders().chunk(roleEvent()).stall());
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  ASSERT_TRUE(primary_.waitForRequests(1, kWait));
  stream->close();
  Clock::time_point clientLeft = Clock::now();

  expectUpstreamClosedSoonAfter(primary_, clientLeft);
}

TEST_F(Cancellation, NonStreamedClientGivingUpClosesUpstream) {
  primary_.enqueue(Script().stall());
  startGateway();

  TcpConnection client(gateway_->publicPort());
  client.sendAll(serializeRequest(gateway_->publicPort(), RequestOptions{.body = chatBody("mini")}),
                 Clock::now() + kWait);
  ASSERT_TRUE(primary_.waitForRequests(1, kWait));
  // The client waits one second for a response that does not come, then gives up.
  bool timedOut = false;
  std::string early = client.tryReadSome(Clock::now() + milliseconds(1000), timedOut);
  EXPECT_TRUE(timedOut) << "unexpected bytes: " << early;
  client.close();
  Clock::time_point clientLeft = Clock::now();

  expectUpstreamClosedSoonAfter(primary_, clientLeft);
}

// A cancelled attempt is not a failed attempt: the route must not move on to its next deployment
// for a client that is gone.
TEST_F(Cancellation, ClientLeavingStartsNoFailoverAttempt) {
  primary_.enqueue(Script().stall());
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  ASSERT_TRUE(primary_.waitForRequests(1, kWait));
  stream->close();
  Clock::time_point clientLeft = Clock::now();

  expectUpstreamClosedSoonAfter(primary_, clientLeft);
  EXPECT_FALSE(backup_.waitForRequests(1, milliseconds(1000)))
      << "a failover attempt started after the client left";
  EXPECT_EQ(primary_.requestCount(), 1u);
}

// As above, with the first attempt already failed: the client leaves during the second attempt,
// which must be cancelled, and nothing else may start.
TEST_F(Cancellation, ClientLeavingDuringSecondAttemptStopsThePlan) {
  primary_.setDefault(Script().status(503, {}, errorJson("overloaded", "server_error")));
  backup_.enqueue(Script().delay(milliseconds(5000)).streamHeaders().stall());
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  ASSERT_TRUE(backup_.waitForRequests(1, kWait));
  stream->close();
  Clock::time_point clientLeft = Clock::now();

  expectUpstreamClosedSoonAfter(backup_, clientLeft);
  std::size_t primaryAttempts = primary_.requestCount();
  EXPECT_FALSE(backup_.waitForRequests(2, milliseconds(1000)));
  EXPECT_EQ(primary_.requestCount(), primaryAttempts);
}

}  // namespace
}  // namespace pointsman::test
