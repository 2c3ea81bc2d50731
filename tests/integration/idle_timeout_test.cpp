// The server's idle timeout: a keep-alive connection that sends no next request is closed once
// `idle_timeout_ms` has passed, and one that keeps sending requests stays open however long it
// lives. The timer is lazy (it fires at an older deadline and waits again), so both matter.

#include <chrono>
#include <string>
#include <thread>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using Clock = TcpConnection::Clock;
using std::chrono::milliseconds;

constexpr milliseconds kIdleTimeout{300};

class IdleTimeout : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    startGateway(defaultConfig()
                     .serverField("idle_timeout_ms: " + std::to_string(kIdleTimeout.count()))
                     .yaml());
  }

  /// Sends one chat request on `connection` and reads its whole response.
  HttpResponse exchange(TcpConnection& connection, std::string& buffer) {
    const std::string body = chatBody("mini");
    const std::string request =
        "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    connection.sendAll(request, deadline);
    HttpResponse response = readResponseHead(connection, buffer, deadline);
    readResponseBody(connection, buffer, response, deadline);
    return response;
  }

  /// Waits for the gateway to close `connection` and returns how long that took.
  static milliseconds timeUntilClosed(TcpConnection& connection) {
    const auto start = Clock::now();
    bool timed_out = false;
    const std::string bytes = connection.tryReadSome(start + std::chrono::seconds(5), timed_out);
    EXPECT_FALSE(timed_out) << "the idle connection was not closed";
    EXPECT_EQ(bytes, "");
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  }
};

TEST_F(IdleTimeout, IdleConnectionIsClosed) {
  TcpConnection connection(gateway_->publicPort());
  std::string buffer;
  ASSERT_EQ(exchange(connection, buffer).status, 200);

  const auto waited = timeUntilClosed(connection);

  EXPECT_GE(waited, kIdleTimeout - milliseconds(50));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST_F(IdleTimeout, BusyConnectionStaysOpen) {
  // A request every half timeout for four timeouts. Each one moves the deadline later.
  TcpConnection connection(gateway_->publicPort());
  std::string buffer;
  const auto start = Clock::now();
  int requests = 0;
  while (Clock::now() - start < 4 * kIdleTimeout) {
    ASSERT_EQ(exchange(connection, buffer).status, 200) << "request " << requests;
    ++requests;
    std::this_thread::sleep_for(kIdleTimeout / 2);
  }

  const auto waited = timeUntilClosed(connection);

  EXPECT_GE(requests, 6);
  EXPECT_GE(waited, kIdleTimeout / 2 - milliseconds(50));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

}  // namespace
}  // namespace pointsman::test
