#pragma once

#include <pointsman/app/api_handler.hpp>
#include <pointsman/http/listener.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <vector>

namespace pointsman::app {

/// One event loop on its own thread, with its own public listener socket (SO_REUSEPORT) and its
/// own upstream connection pool inside its ApiHandler.
struct Worker {
  explicit Worker(ApiContext& context) : api_handler(context) {}

  /// Every socket and timer of a worker is used only on its thread; other threads reach it by
  /// posting (reload, drain, store completions). So the reactor's per-socket locks, taken on every
  /// read and write, are left out; posting and timer registration keep theirs.
  boost::asio::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_guard =
      boost::asio::make_work_guard(io);
  ApiHandler api_handler;
  std::vector<std::unique_ptr<http::Listener>> listeners;
  std::thread thread;
};

}  // namespace pointsman::app
