#include <pointsman/upstream/stream_keepalive.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace pointsman::upstream {
namespace asio = boost::asio;

namespace {
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kComment = ": keep-alive\n\n";
}  // namespace

StreamKeepalive::StreamKeepalive(http::ResponseWriter& writer, std::chrono::milliseconds interval,
                                 std::function<asio::awaitable<bool>()> send_headers)
    : writer_(writer), interval_(interval), send_headers_(std::move(send_headers)) {}

asio::awaitable<void> StreamKeepalive::start() {
  if (interval_.count() <= 0 || running_) co_return;
  auto executor = co_await asio::this_coro::executor;
  tick_.emplace(executor);
  exited_signal_.emplace(executor, asio::steady_timer::time_point::max());
  running_ = true;
  asio::co_spawn(executor, loop(), asio::detached);
}

asio::awaitable<void> StreamKeepalive::loop() {
  while (!stopping_) {
    tick_->expires_after(interval_);
    co_await tick_->async_wait(kUseTuple);
    if (stopping_) break;

    bool written = writer_.headersSent();
    if (!written) written = co_await send_headers_();
    if (stopping_ || !written) break;
    written = co_await writer_.sendStreamData(kComment);
    if (!written) break;
    ++comments_sent_;
  }
  running_ = false;
  exited_signal_->cancel();
}

asio::awaitable<void> StreamKeepalive::stop() {
  stopping_ = true;
  if (!running_) co_return;
  tick_->cancel();
  while (running_) co_await exited_signal_->async_wait(kUseTuple);
}

}  // namespace pointsman::upstream
