#include <pointsman/http/listener.hpp>

#include "http/server_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <sys/socket.h>

namespace pointsman::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

Listener::Listener(asio::io_context& io, tcp::endpoint endpoint, bool reuse_port, RequestHandler handler,
                   ConnectionLimits limits, ConnectionBudget& budget, asio::ssl::context* tls_context)
    : io_(io),
      acceptor_(io),
      handler_(std::move(handler)),
      limits_(limits),
      budget_(budget),
      tls_context_(tls_context) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  if (reuse_port) {
    const int enable = 1;
    ::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &enable, sizeof enable);
  }
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

tcp::endpoint Listener::localEndpoint() const { return acceptor_.local_endpoint(); }

void Listener::start() { asio::co_spawn(io_, acceptLoop(), asio::detached); }

void Listener::stopAccepting() {
  draining_ = true;
  ErrorCode ignored;
  acceptor_.close(ignored);
  for (auto* session : sessions_) session->closeIfIdle();
}

asio::awaitable<void> Listener::acceptLoop() {
  while (acceptor_.is_open()) {
    auto [error, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (error) {
      if (error == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // Running out of descriptors must not end the loop; the next accept may succeed.
      spdlog::error("accept failed: {}", error.message());
      continue;
    }

    if (budget_.open.fetch_add(1, std::memory_order_relaxed) >= budget_.max) {
      budget_.open.fetch_sub(1, std::memory_order_relaxed);
      spdlog::warn("connection limit of {} reached; closing a new connection", budget_.max);
      continue;
    }

    beast::tcp_stream plain(std::move(socket));
    auto session = tls_context_ ? std::make_shared<ServerSession>(
                                      MaybeTlsStream(std::move(plain), *tls_context_), *this,
                                      handler_, limits_, budget_)
                                : std::make_shared<ServerSession>(MaybeTlsStream(std::move(plain)),
                                                                  *this, handler_, limits_, budget_);
    asio::co_spawn(io_, session->run(), [session](std::exception_ptr failure) {
      if (!failure) return;
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& exception) {
        spdlog::error("connection handler failed: {}", exception.what());
      }
    });
  }
}

std::unique_ptr<asio::ssl::context> makeServerTlsContext(const std::string& cert_file,
                                                         const std::string& key_file) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
  context->use_certificate_chain_file(cert_file);
  context->use_private_key_file(key_file, asio::ssl::context::pem);
  return context;
}

}  // namespace pointsman::http
