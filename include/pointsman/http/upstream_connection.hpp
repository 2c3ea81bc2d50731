#pragma once

// One kept-alive HTTP/1.1 connection to an upstream, and the operations an attempt runs on it.
// Every operation takes an absolute deadline and reports failures as error codes, not exceptions.
// A timeout closes the socket (Beast's tcp_stream does so), and an attempt that timed out is over
// anyway.

#include <pointsman/config/config.hpp>
#include <pointsman/http/maybe_tls_stream.hpp>
#include <pointsman/http/outgoing_request.hpp>
#include <pointsman/http/message_parser.hpp>
#include <pointsman/http/url.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::http {

using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;

/// Where a connection goes and how its peer is verified; also the connection pool's key.
struct UpstreamEndpoint {
  Url url;
  std::string ca_file;  // empty: the system CA store
  /// The HTTP proxy the connection tunnels through with CONNECT; nothing for a direct connection.
  std::optional<Url> proxy;
  /// The client certificate chain and key for mTLS; empty when none is presented.
  std::string client_cert_file;
  std::string client_key_file;

  [[nodiscard]] std::string poolKey() const;
};

/// The endpoint of `provider` at `url`: its CA file, client certificate and proxy. The proxy is
/// the provider's `proxy`, else HTTPS_PROXY (TLS) or HTTP_PROXY (plain) from the environment
/// unless NO_PROXY names the host (an exact name, a domain suffix such as `.internal`, or `*`).
UpstreamEndpoint endpointFor(const config::ProviderConfig& provider, const Url& url);

/// The phase an operation failed in, so callers can name the timeout that fired.
enum class ConnectFailure { None, Resolve, Connect, TlsHandshake, Timeout };

class LazyDeadline;

class UpstreamConnection {
 public:
  explicit UpstreamConnection(MaybeTlsStream stream, std::string pool_key);
  ~UpstreamConnection();
  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;

  /// Resolves, connects and (for https) performs the TLS handshake with SNI and hostname
  /// verification. On failure returns null and sets `failure` and `error`.
  static boost::asio::awaitable<std::unique_ptr<UpstreamConnection>> open(
      const UpstreamEndpoint& endpoint, Clock::time_point deadline, ConnectFailure& failure,
      ErrorCode& error);

  /// Sends `request` and reads the status line and headers of its response, both by `deadline`.
  /// One coroutine does both, because each coroutine frame on the request path is an allocation.
  boost::asio::awaitable<ErrorCode> sendAndReadHeader(const OutgoingRequest& request, Clock::time_point deadline,
                                                      std::size_t body_limit);

  /// Appends the next body bytes to `out`, at least one byte unless the body is complete.
  /// Returns an empty error code and leaves `out` unchanged once the body is done.
  boost::asio::awaitable<ErrorCode> readSome(std::string& out, Clock::time_point deadline);

  /// Appends the body bytes already read from the socket to `out`, without waiting. A short
  /// response usually arrives with its head and is then complete.
  ErrorCode readBuffered(std::string& out);

  [[nodiscard]] unsigned status() const;
  /// The value of the response header `name` (any case), or nullopt when it is absent.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
  [[nodiscard]] bool bodyDone() const;

  /// True when the last response was read to its end and both sides keep the connection open.
  [[nodiscard]] bool reusable() const;

  /// True while the socket looks usable after idling in a pool (peer has not closed it).
  [[nodiscard]] bool stillOpen();

  /// Closes the socket; pending operations complete with operation_aborted.
  void close();

  [[nodiscard]] const std::string& poolKey() const { return pool_key_; }
  [[nodiscard]] Clock::time_point idleSince() const { return idle_since_; }
  void markIdle() { idle_since_ = Clock::now(); }
  [[nodiscard]] std::uint64_t requestsServed() const { return requests_served_; }

 private:
  /// Reads until `done` by `deadline`, which the lazy read deadline enforces.
  template <class Done>
  boost::asio::awaitable<ErrorCode> readUntil(Done done, Clock::time_point deadline);

  MaybeTlsStream stream_;
  std::string pool_key_;
  /// The deadline of the read in progress; the stream's own timeout is kept for connecting,
  /// the TLS handshake and writes.
  std::unique_ptr<LazyDeadline> read_deadline_;
  boost::beast::flat_buffer read_buffer_;
  std::optional<MessageParser> parser_;
  bool failed_ = false;
  Clock::time_point idle_since_ = Clock::now();
  std::uint64_t requests_served_ = 0;
};

/// TLS client contexts, one per CA file, shared by every worker (an SSL_CTX is safe to use from
/// several threads once configured).
boost::asio::ssl::context& upstreamTlsContext(const std::string& ca_file, const std::string& client_cert_file = {},
                                              const std::string& client_key_file = {});

}  // namespace pointsman::http
