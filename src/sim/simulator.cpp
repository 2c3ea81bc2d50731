#include "sim/simulator.hpp"

#include "sim/connection.hpp"
#include "sim/request_router.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace pointsman::sim {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

asio::awaitable<void> acceptConnections(tcp::acceptor& acceptor, RequestRouter& router,
                                        bool useStrands) {
  for (;;) {
    // With several threads each connection gets a strand, so its steps never overlap. One thread
    // needs none, and skipping it saves the strand's locking on every operation.
    const asio::any_io_executor executor =
        useStrands ? asio::any_io_executor(asio::make_strand(acceptor.get_executor()))
                   : acceptor.get_executor();
    auto [error, socket] =
        co_await acceptor.async_accept(executor, asio::as_tuple(asio::use_awaitable));
    if (error == asio::error::operation_aborted || !acceptor.is_open()) {
      co_return;
    }
    if (error) {
      // Running out of descriptors is the usual cause; the next accept may succeed.
      spdlog::warn("accepting a connection failed: {}", error.message());
      continue;
    }
    asio::co_spawn(executor, serveConnection(std::move(socket), router), asio::detached);
  }
}

}  // namespace

struct Simulator::State {
  explicit State(SimConfig config)
      : context(config.threads), router(std::move(config)), acceptor(context) {}

  asio::io_context context;
  RequestRouter router;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
};

Simulator::Simulator(SimConfig config) : state_(std::make_unique<State>(std::move(config))) {}

Simulator::~Simulator() { stop(); }

void Simulator::start(const std::string& host, std::uint16_t port) {
  const tcp::endpoint endpoint(asio::ip::make_address(host), port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  state_->port = acceptor.local_endpoint().port();

  const int threadCount = std::max(1, state_->router.config().threads);
  asio::co_spawn(state_->context, acceptConnections(acceptor, state_->router, threadCount > 1),
                 asio::detached);
  for (int i = 0; i < threadCount; ++i) {
    state_->threads.emplace_back([this] { state_->context.run(); });
  }
}

std::uint16_t Simulator::port() const { return state_->port; }

void Simulator::stop() {
  if (state_->threads.empty()) {
    return;
  }
  // Stopping the context abandons the open connections; their coroutine frames, and with them
  // the sockets, are destroyed with the context.
  state_->context.stop();
  for (auto& thread : state_->threads) {
    thread.join();
  }
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  state_->threads.clear();
}

}  // namespace pointsman::sim
