#pragma once

#include <pointsman/http/response_writer.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>

namespace pointsman::upstream {

/// Sends SSE comment lines to the client while a stream whose upstream already answered 200
/// waits for its first content event, so proxies and clients do not time the connection out.
/// The relay calls stop() before it writes anything itself: the two never write at once.
class StreamKeepalive {
 public:
  /// `send_headers` commits the stream's response headers when the first comment goes out.
  StreamKeepalive(http::ResponseWriter& writer, std::chrono::milliseconds interval,
                  std::function<boost::asio::awaitable<bool>()> send_headers);

  /// Starts the timer loop on the current executor.
  boost::asio::awaitable<void> start();

  /// Stops the loop and waits until it has exited, including a write in progress.
  boost::asio::awaitable<void> stop();

  [[nodiscard]] int commentsSent() const { return comments_sent_; }

 private:
  boost::asio::awaitable<void> loop();

  http::ResponseWriter& writer_;
  std::chrono::milliseconds interval_;
  std::function<boost::asio::awaitable<bool>()> send_headers_;
  std::optional<boost::asio::steady_timer> tick_;
  std::optional<boost::asio::steady_timer> exited_signal_;
  bool running_ = false;
  bool stopping_ = false;
  int comments_sent_ = 0;
};

}  // namespace pointsman::upstream
