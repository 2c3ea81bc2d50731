#pragma once

#include <pointsman/http/incoming_request.hpp>
#include <pointsman/http/response_writer.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <set>

namespace pointsman::http {

using RequestHandler =
    std::function<boost::asio::awaitable<void>(IncomingRequest&, ResponseWriter&)>;

/// Limits and timeouts every connection of a listener obeys.
struct ConnectionLimits {
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 32u * 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{60'000};
  std::chrono::milliseconds idle_timeout{60'000};
};

/// Counts open connections across every worker of one listener address.
struct ConnectionBudget {
  std::atomic<std::size_t> open{0};
  std::size_t max = 10'000;
};

class ServerSession;

/// Accepts connections on one socket of one worker and runs a session for each. Several workers
/// bind the same address with SO_REUSEPORT, so the kernel spreads connections without a lock.
class Listener {
 public:
  Listener(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint, bool reuse_port,
           RequestHandler handler, ConnectionLimits limits, ConnectionBudget& budget,
           boost::asio::ssl::context* tls_context);

  /// The address actually bound (port 0 resolved).
  [[nodiscard]] boost::asio::ip::tcp::endpoint localEndpoint() const;

  /// Starts the accept loop on the listener's io_context.
  void start();

  /// Stops accepting and asks idle kept-alive connections to close; requests in flight finish.
  /// Must run on the listener's io_context thread.
  void stopAccepting();

  void registerSession(ServerSession* session) { sessions_.insert(session); }
  void unregisterSession(ServerSession* session) { sessions_.erase(session); }
  [[nodiscard]] bool draining() const { return draining_; }

 private:
  boost::asio::awaitable<void> acceptLoop();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  RequestHandler handler_;
  ConnectionLimits limits_;
  ConnectionBudget& budget_;
  boost::asio::ssl::context* tls_context_;
  std::set<ServerSession*> sessions_;
  bool draining_ = false;
};

/// A TLS server context from PEM certificate chain and key files; throws on unreadable files
/// (start-up only).
std::unique_ptr<boost::asio::ssl::context> makeServerTlsContext(const std::string& cert_file,
                                                                const std::string& key_file);

}  // namespace pointsman::http
