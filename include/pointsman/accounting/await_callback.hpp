#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>

namespace pointsman::accounting {

/// Suspends the calling coroutine until `start` calls its completion with a result, then
/// resumes it on its own executor. `start` receives a `std::function<void(Result)>` to call
/// once, from any thread. The store threads hand results back to a worker this way, so the
/// worker's event loop never blocks.
template <class Result, class Start>
boost::asio::awaitable<Result> awaitCallback(Start start) {
  auto executor = co_await boost::asio::this_coro::executor;
  auto initiation = [executor, &start](auto handler) {
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    start(std::function<void(Result)>([executor, shared](Result result) {
      boost::asio::post(executor, [shared, result = std::move(result)]() mutable { (*shared)(std::move(result)); });
    }));
  };
  Result result = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(Result)>(
      initiation, boost::asio::use_awaitable);
  co_return result;
}

}  // namespace pointsman::accounting
