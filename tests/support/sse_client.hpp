#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/chunked_decoder.hpp"
#include "support/http_client.hpp"
#include "support/tcp_connection.hpp"

namespace pointsman::test {

/// One Server-Sent Event as the client assembled it.
struct ReceivedEvent {
  /// The joined `data:` lines.
  std::string data{};
  /// When the read that completed the event returned.
  std::chrono::steady_clock::time_point arrived{};
};

/// A streaming test client: sends a request, then reads the response event by event with arrival
/// times, so a test can check ordering and timing, or walk away mid-stream by closing the socket.
/// Its SSE parsing is written independently of the gateway's, and accepts "\n", "\r\n" and "\r".
class SseClient {
 public:
  using Clock = std::chrono::steady_clock;

  /// Connects and sends the request; reading starts with the first call that needs the response.
  SseClient(std::uint16_t port, RequestOptions options);

  /// Reads the response head; false when it did not arrive in time or the connection closed.
  [[nodiscard]] bool waitForHead(std::chrono::milliseconds timeout);
  /// The head read by waitForHead (status 0 before that).
  [[nodiscard]] const HttpResponse& head() const { return head_; }
  [[nodiscard]] int status() const { return head_.status; }
  [[nodiscard]] Clock::time_point headArrived() const { return headArrived_; }

  /// Returns the next event; nothing at end of stream or when `timeout` passes (see ended()).
  std::optional<ReceivedEvent> nextEvent(std::chrono::milliseconds timeout);
  /// Reads events until the stream ends; stops at the deadline and leaves ended() false.
  std::vector<ReceivedEvent> readAll(std::chrono::milliseconds timeout);
  /// Reads a body that is not an event stream (e.g. a JSON error) to its end.
  std::string readBody(std::chrono::milliseconds timeout);

  /// True once the body ended (last chunk, or the peer closed).
  [[nodiscard]] bool ended() const { return ended_; }
  /// Every body byte received so far, after chunked decoding.
  [[nodiscard]] const std::string& rawBody() const { return rawBody_; }
  /// Arrival times of SSE comment lines (": keep-alive").
  [[nodiscard]] const std::vector<Clock::time_point>& commentTimes() const { return commentTimes_; }

  /// Closes the socket, as a client that gives up does.
  void close();

 private:
  bool readMore(Clock::time_point deadline);
  void markEndByContentLength();
  std::optional<ReceivedEvent> parseEvent(Clock::time_point arrived);

  std::uint16_t port_;
  RequestOptions options_;
  TcpConnection connection_;
  std::string buffer_;
  HttpResponse head_;
  bool headRead_ = false;
  Clock::time_point headArrived_;
  ChunkedDecoder decoder_;
  std::string rawBody_;
  std::string unparsed_;
  std::string pendingData_;
  bool pendingHasData_ = false;
  bool ended_ = false;
  std::vector<Clock::time_point> commentTimes_;
};

/// The concatenated `delta.content` of every chat chunk in `events`.
std::string assembleContent(const std::vector<ReceivedEvent>& events);

/// How many chunks carry `delta.role` (a stream must have exactly one).
std::size_t countRoleChunks(const std::vector<ReceivedEvent>& events);

}  // namespace pointsman::test
