// SIGTERM drains: a stream in flight finishes, then the process exits 0.

#include <signal.h>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using std::chrono::milliseconds;

class Shutdown : public GatewayTest {};

TEST_F(Shutdown, SigtermLetsStreamInFlightFinish) {
  Script script;
  script.streamHeaders().chunk(roleEvent());
  for (int i = 0; i < 10; ++i) {
    script.chunk(contentEvent("tok" + std::to_string(i) + " ")).delay(milliseconds(100));
  }
  script.chunk(finishEvent()).chunk(doneEvent()).endChunked();
  primary_.enqueue(script);
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  ASSERT_TRUE(stream->nextEvent(kWait).has_value());
  gateway_->sendSignal(SIGTERM);
  std::vector<ReceivedEvent> rest = stream->readAll(kWait);

  EXPECT_TRUE(stream->ended());
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.back().data, "[DONE]");
  EXPECT_NE(stream->rawBody().find("tok9"), std::string::npos);
  EXPECT_EQ(stream->rawBody().find("\"error\""), std::string::npos);
  std::optional<int> exitCode = gateway_->waitForExit(std::chrono::seconds(10));
  ASSERT_TRUE(exitCode.has_value()) << "the gateway did not exit after draining";
  EXPECT_EQ(*exitCode, 0);
}

TEST_F(Shutdown, IdleGatewayExitsPromptlyOnSigterm) {
  startGateway();
  ASSERT_EQ(postChat(chatBody("mini")).status, 200);

  gateway_->sendSignal(SIGTERM);
  std::optional<int> exitCode = gateway_->waitForExit(std::chrono::seconds(5));

  ASSERT_TRUE(exitCode.has_value()) << "the gateway did not exit within 5 s";
  EXPECT_EQ(*exitCode, 0);
}

}  // namespace
}  // namespace pointsman::test
