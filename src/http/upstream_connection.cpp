#include <pointsman/http/upstream_connection.hpp>

#include "http/lazy_deadline.hpp"
#include "http/stream_io.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <sys/socket.h>

#include <array>
#include <map>
#include <mutex>

namespace pointsman::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxResponseHeaderBytes = 64 * 1024;

void expireAt(beast::tcp_stream& stream, Clock::time_point deadline) {
  if (deadline == Clock::time_point::max()) {
    stream.expires_never();
  } else {
    stream.expires_at(deadline);
  }
}

/// Asks the proxy for a tunnel to `target` and reads its answer; anything but a 2xx fails.
asio::awaitable<ErrorCode> openTunnel(beast::tcp_stream& stream, const Url& target) {
  const auto authority = target.hostHeader();
  const std::string request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
  auto [write_error, written] = co_await asio::async_write(stream, asio::buffer(request), kUseTuple);
  if (write_error) co_return write_error;

  // The proxy sends nothing after its answer until the tunnel carries data, so reading up to the
  // blank line leaves no upstream bytes behind.
  std::string answer;
  auto [read_error, read] =
      co_await asio::async_read_until(stream, asio::dynamic_buffer(answer, kMaxResponseHeaderBytes), "\r\n\r\n", kUseTuple);
  if (read_error) co_return read_error;
  const bool accepted = answer.size() > 12 && answer.starts_with("HTTP/1.") && answer[9] == '2';
  if (!accepted) {
    spdlog::warn("proxy refused the tunnel to {}: {}", authority, answer.substr(0, answer.find('\r')));
    co_return ErrorCode(asio::error::connection_refused);
  }
  co_return ErrorCode{};
}

void loadClientCertificate(asio::ssl::context& context, const std::string& cert_file, const std::string& key_file) {
  ErrorCode error;
  context.use_certificate_chain_file(cert_file, error);
  if (!error) context.use_private_key_file(key_file, asio::ssl::context::pem, error);
  // Config validation checked that both files exist; a bad PEM makes the handshake fail instead.
  if (error) spdlog::error("upstream TLS: cannot load client certificate {}: {}", cert_file, error.message());
}

bool isIpLiteral(const std::string& host) {
  ErrorCode error;
  asio::ip::make_address(host, error);
  return !error;
}

asio::awaitable<tcp::resolver::results_type> resolveWithDeadline(
    const Url& url, Clock::time_point deadline, ErrorCode& error) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  asio::steady_timer timer(executor);
  bool timed_out = false;

  // The resolver has no deadline of its own: a timer cancels it.
  if (deadline != Clock::time_point::max()) {
    timer.expires_at(deadline);
    timer.async_wait([&resolver, &timed_out](ErrorCode wait_error) {
      if (!wait_error) {
        timed_out = true;
        resolver.cancel();
      }
    });
  }
  auto [resolve_error, results] =
      co_await resolver.async_resolve(url.host, std::to_string(url.port), kUseTuple);
  timer.cancel();

  error = timed_out ? ErrorCode(beast::error::timeout) : resolve_error;
  co_return results;
}

}  // namespace

std::string UpstreamEndpoint::poolKey() const {
  std::string key = std::string(url.tls ? "https://" : "http://") + url.host + ":" + std::to_string(url.port) +
                    "|" + ca_file;
  if (!client_cert_file.empty()) key += "|cert=" + client_cert_file;
  if (proxy) key += "|proxy=" + proxy->hostHeader();
  return key;
}

UpstreamConnection::UpstreamConnection(MaybeTlsStream stream, std::string pool_key)
    : stream_(std::move(stream)),
      pool_key_(std::move(pool_key)),
      read_deadline_(std::make_unique<LazyDeadline>(stream_.get_executor(), [this] {
        ErrorCode ignored;
        stream_.tcp().socket().cancel(ignored);
      })) {}

UpstreamConnection::~UpstreamConnection() = default;

template <class Done>
asio::awaitable<ErrorCode> UpstreamConnection::readUntil(Done done, Clock::time_point deadline) {
  stream_.tcp().expires_never();
  const bool has_deadline = deadline != Clock::time_point::max();
  if (has_deadline) read_deadline_->start(deadline);
  ErrorCode error = co_await parseUntil(stream_, read_buffer_, *parser_, done, ReadBound::CallerDeadline);
  read_deadline_->stop();
  // An expired deadline cancels the read, which then fails with operation_aborted or a TLS error.
  // Callers tell a timeout by Beast's code, as the stream's own timeout reported it. expired()
  // describes the last wait started, so a read without a deadline does not consult it.
  if (error && has_deadline && read_deadline_->expired()) error = beast::error::timeout;
  co_return error;
}

asio::awaitable<std::unique_ptr<UpstreamConnection>> UpstreamConnection::open(
    const UpstreamEndpoint& endpoint, Clock::time_point deadline, ConnectFailure& failure,
    ErrorCode& error) {
  auto executor = co_await asio::this_coro::executor;
  const Url& url = endpoint.url;
  // Through a proxy, the TCP connection goes to the proxy and a CONNECT tunnel reaches the
  // upstream; TLS then runs end to end inside the tunnel.
  const Url& dialed = endpoint.proxy ? *endpoint.proxy : url;

  auto addresses = co_await resolveWithDeadline(dialed, deadline, error);
  if (error) {
    failure = error == beast::error::timeout ? ConnectFailure::Timeout : ConnectFailure::Resolve;
    co_return nullptr;
  }

  beast::tcp_stream tcp_stream(executor);
  expireAt(tcp_stream, deadline);
  auto [connect_error, connected] = co_await tcp_stream.async_connect(addresses, kUseTuple);
  if (connect_error) {
    error = connect_error;
    failure = connect_error == beast::error::timeout ? ConnectFailure::Timeout : ConnectFailure::Connect;
    co_return nullptr;
  }
  tcp_stream.socket().set_option(tcp::no_delay(true), error);
  if (endpoint.proxy) {
    error = co_await openTunnel(tcp_stream, url);
    if (error) {
      failure = error == beast::error::timeout ? ConnectFailure::Timeout : ConnectFailure::Connect;
      co_return nullptr;
    }
  }

  if (!url.tls) {
    co_return std::make_unique<UpstreamConnection>(MaybeTlsStream(std::move(tcp_stream)),
                                                   endpoint.poolKey());
  }

  MaybeTlsStream stream(std::move(tcp_stream),
                        upstreamTlsContext(endpoint.ca_file, endpoint.client_cert_file, endpoint.client_key_file));
  if (!isIpLiteral(url.host)) SSL_set_tlsext_host_name(stream.tls().native_handle(), url.host.c_str());
  stream.tls().set_verify_callback(asio::ssl::host_name_verification(url.host));
  auto [handshake_error] =
      co_await stream.tls().async_handshake(asio::ssl::stream_base::client, kUseTuple);
  if (handshake_error) {
    error = handshake_error;
    failure = handshake_error == beast::error::timeout ? ConnectFailure::Timeout
                                                       : ConnectFailure::TlsHandshake;
    co_return nullptr;
  }
  co_return std::make_unique<UpstreamConnection>(std::move(stream), endpoint.poolKey());
}

asio::awaitable<ErrorCode> UpstreamConnection::sendAndReadHeader(const OutgoingRequest& request,
                                                                 Clock::time_point deadline, std::size_t body_limit) {
  expireAt(stream_.tcp(), deadline);
  const std::string head = request.head();
  const std::array<asio::const_buffer, 2> wire{asio::buffer(head), asio::buffer(request.body())};
  ErrorCode error;
  const std::size_t sent = sendNow(stream_, wire, error);
  if (!error && sent < asio::buffer_size(wire)) error = co_await sendRest(stream_, wire, sent);
  ++requests_served_;
  if (error) {
    failed_ = true;
    co_return error;
  }

  parser_.emplace(MessageKind::Response);
  parser_->header_limit(kMaxResponseHeaderBytes);
  parser_->body_limit(body_limit);
  const auto header_done = [](const auto& parser) { return parser.is_header_done(); };
  error = co_await readUntil(header_done, deadline);
  if (error) failed_ = true;
  co_return error;
}

asio::awaitable<ErrorCode> UpstreamConnection::readSome(std::string& out, Clock::time_point deadline) {
  // The parser appends every body byte it has to `out`, so one call returns what has arrived.
  const std::size_t size_before = out.size();
  parser_->setBodySink(&out);
  const auto grew_or_done = [&out, size_before](const auto& parser) {
    return parser.is_done() || out.size() > size_before;
  };

  ErrorCode error;
  if (feedParser(read_buffer_, *parser_, grew_or_done, error) == ParseProgress::NeedBytes) {
    error = co_await readUntil(grew_or_done, deadline);
  }
  parser_->setBodySink(nullptr);
  if (error) failed_ = true;
  co_return error;
}

ErrorCode UpstreamConnection::readBuffered(std::string& out) {
  parser_->setBodySink(&out);
  ErrorCode error;
  feedParser(read_buffer_, *parser_, [](const auto& parser) { return parser.is_done(); }, error);
  parser_->setBodySink(nullptr);
  if (error) failed_ = true;
  return error;
}

unsigned UpstreamConnection::status() const { return parser_->status(); }

std::optional<std::string_view> UpstreamConnection::header(std::string_view name) const {
  return parser_ ? parser_->fields().find(name) : std::nullopt;
}

bool UpstreamConnection::bodyDone() const { return parser_ && parser_->is_done(); }

bool UpstreamConnection::reusable() const {
  return !failed_ && parser_ && parser_->is_done() && parser_->keep_alive() && read_buffer_.size() == 0;
}

bool UpstreamConnection::stillOpen() {
  auto& socket = stream_.tcp().socket();
  if (!socket.is_open()) return false;

  // A peer that closed an idle connection shows as readable with zero bytes; anything readable
  // on an idle HTTP connection is a protocol error, so both mean "do not reuse".
  char probe = 0;
  const auto received = ::recv(socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  return received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void UpstreamConnection::close() {
  failed_ = true;
  ErrorCode ignored;
  stream_.tcp().socket().close(ignored);
}

asio::ssl::context& upstreamTlsContext(const std::string& ca_file, const std::string& client_cert_file,
                                       const std::string& client_key_file) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<asio::ssl::context>> contexts;

  std::lock_guard lock(mutex);
  auto& context = contexts[ca_file + "|" + client_cert_file + "|" + client_key_file];
  if (!context) {
    context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    context->set_verify_mode(asio::ssl::verify_peer);
    ErrorCode error;
    if (ca_file.empty()) {
      context->set_default_verify_paths(error);
    } else {
      context->load_verify_file(ca_file, error);
    }
    // A CA file that cannot be loaded leaves the context with no trust anchors, so every
    // handshake fails with a verification error that names the cause; config validation has
    // already checked that the file exists.
    if (error) spdlog::error("upstream TLS: cannot load CA file {}: {}", ca_file, error.message());
    if (!client_cert_file.empty()) loadClientCertificate(*context, client_cert_file, client_key_file);
  }
  return *context;
}

}  // namespace pointsman::http
