#pragma once

// Attempts that run side by side on the request's worker (hedges, fan-out), and a way for the
// request to wait until they reach a point it cares about.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>

namespace pointsman::upstream {

class AttemptGroup {
 public:
  explicit AttemptGroup(const boost::asio::any_io_executor& executor) : executor_(executor), wake_(executor) {}
  AttemptGroup(const AttemptGroup&) = delete;
  AttemptGroup& operator=(const AttemptGroup&) = delete;

  /// Starts `work` at once. Everything it refers to must outlive the group's last wait, so the
  /// owner always waits for allDone() before leaving its frame.
  void spawn(boost::asio::awaitable<void> work) {
    ++started_;
    boost::asio::co_spawn(executor_, std::move(work), [this](std::exception_ptr) {
      ++finished_;
      wake_.cancel();
    });
  }

  /// Waits until `condition` holds or `until` passes. Every attempt runs on this thread, so the
  /// condition can only change while this coroutine is suspended on the timer.
  boost::asio::awaitable<void> waitUntil(const std::function<bool()>& condition,
                                         std::chrono::steady_clock::time_point until) {
    while (!condition() && std::chrono::steady_clock::now() < until) {
      wake_.expires_at(until);
      co_await wake_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }

  boost::asio::awaitable<void> waitForAll() {
    co_await waitUntil([this] { return allDone(); }, std::chrono::steady_clock::time_point::max());
  }

  [[nodiscard]] std::size_t finished() const { return finished_; }
  [[nodiscard]] bool allDone() const { return finished_ == started_; }

 private:
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer wake_;
  std::size_t started_ = 0;
  std::size_t finished_ = 0;
};

}  // namespace pointsman::upstream
