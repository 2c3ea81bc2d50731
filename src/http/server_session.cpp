#include "http/server_session.hpp"

#include "http/header_bytes.hpp"
#include "http/stream_io.hpp"

#include <pointsman/http/error_body.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <pointsman/http/message_parser.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>

namespace pointsman::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

ServerSession::ServerSession(MaybeTlsStream stream, Listener& listener, const RequestHandler& handler,
                             const ConnectionLimits& limits, ConnectionBudget& budget)
    : stream_(std::move(stream)),
      listener_(listener),
      handler_(handler),
      limits_(limits),
      budget_(budget),
      idle_deadline_(stream_.get_executor(), [this] {
        ErrorCode ignored;
        stream_.tcp().socket().cancel(ignored);
      }) {
  listener_.registerSession(this);
}

ServerSession::~ServerSession() {
  listener_.unregisterSession(this);
  budget_.open.fetch_sub(1, std::memory_order_relaxed);
}

asio::awaitable<void> ServerSession::run() {
  auto self = shared_from_this();
  ErrorCode ignored;
  stream_.tcp().socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  const auto remote = stream_.tcp().socket().remote_endpoint(ignored);
  if (!ignored) remote_address_ = remote.address().to_string();

  if (stream_.isTls()) {
    stream_.tcp().expires_after(limits_.header_timeout);
    auto [error] = co_await stream_.tls().async_handshake(asio::ssl::stream_base::server, kUseTuple);
    if (error) co_return;
  }

  while (!listener_.draining()) {
    IncomingRequest request;
    request.tls = stream_.isTls();
    if (!co_await readNextRequest(request)) break;

    request_version_ = request.message.version();
    close_after_response_ = !request.message.keep_alive();
    headers_sent_ = false;

    startDisconnectWatch();
    co_await handler_(request, *this);
    stopDisconnectWatch();

    if (client_gone_ || watch_->gone || close_after_response_ || listener_.draining()) break;
  }

  stream_.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.tcp().close();
}

asio::awaitable<bool> ServerSession::waitForRequestStart() {
  if (buffer_.size() > 0) co_return true;

  // Between requests only the idle timeout applies; the header timeout starts with the first byte.
  // The lazy deadline, not the stream, enforces it.
  idle_ = true;
  stream_.tcp().expires_never();
  idle_deadline_.start(LazyDeadline::Clock::now() + limits_.idle_timeout);
  auto [error, read] = co_await stream_.async_read_some_untimed(buffer_.prepare(4096), kUseTuple);
  idle_deadline_.stop();
  idle_ = false;
  if (error) co_return false;
  buffer_.commit(read);
  co_return true;
}

asio::awaitable<bool> ServerSession::readNextRequest(IncomingRequest& request) {
  if (!co_await waitForRequestStart()) co_return false;

  MessageParser parser{MessageKind::Request};
  parser.header_limit(limits_.max_header_bytes);
  parser.body_limit(limits_.max_body_bytes);

  const auto header_done = [](const auto& p) { return p.is_header_done(); };
  ErrorCode header_error;
  if (feedParser(buffer_, parser, header_done, header_error) == ParseProgress::NeedBytes) {
    stream_.tcp().expires_after(limits_.header_timeout);
    header_error = co_await parseUntil(stream_, buffer_, parser, header_done);
  }
  if (header_error == bhttp::error::header_limit) {
    co_await sendLimitError(431, "request headers are larger than the limit of " +
                                     std::to_string(limits_.max_header_bytes) + " bytes",
                            "request_header_fields_too_large");
    co_return false;
  }
  if (header_error == beast::error::timeout) {
    co_await sendLimitError(408, "request headers were not received in time", "request_timeout");
    co_return false;
  }
  // The parser checks a declared Content-Length against the body limit while it reads the
  // headers, so an oversized declared body is rejected here, before any of it is read.
  if (header_error == bhttp::error::body_limit) {
    co_await sendBodyTooLarge(std::string(parser.fields().value("content-length")));
    co_return false;
  }
  if (header_error) {
    if (header_error != bhttp::error::end_of_stream && header_error != asio::error::eof) {
      co_await sendLimitError(400, "malformed HTTP request: " + header_error.message(), "bad_request");
    }
    co_return false;
  }

  const auto message_done = [](const auto& p) { return p.is_done(); };
  ErrorCode body_error;
  if (feedParser(buffer_, parser, message_done, body_error) == ParseProgress::NeedBytes) {
    stream_.tcp().expires_after(limits_.body_timeout);
    if (!co_await continueIfExpected(parser)) co_return false;
    body_error = co_await parseUntil(stream_, buffer_, parser, message_done);
  }
  if (body_error == bhttp::error::body_limit) {
    co_await sendBodyTooLarge({});
    co_return false;
  }
  if (body_error == beast::error::timeout) {
    co_await sendLimitError(408, "request body was not received in time", "request_timeout");
    co_return false;
  }
  if (body_error) co_return false;

  request.message = RequestMessage(parser.releaseMethod(), parser.releaseTarget(), parser.version(),
                                   parser.keep_alive(), parser.releaseFields(), parser.releaseBody());
  request.received_at = std::chrono::steady_clock::now();
  request.remote_address = remote_address_;
  co_return true;
}

asio::awaitable<bool> ServerSession::continueIfExpected(const MessageParser& header) {
  // A client that sent `Expect: 100-continue` waits for this, or for its own timeout, before it
  // sends the body. curl 7.88 sends the header with a 2 MB body (not with a 3 KB one) and waits
  // 1 s. An oversized declared body already got a 413, so the client never sends it.
  const auto expect = header.fields().value("expect");
  if (header.version() < 11 || !beast::iequals(expect, "100-continue")) co_return true;

  const std::array<asio::const_buffer, 1> interim{asio::buffer("HTTP/1.1 100 Continue\r\n\r\n", 25)};
  std::size_t sent = 0;
  if (sendAtOnce(interim, sent)) co_return !client_gone_;
  co_return co_await sendRemainder(interim, sent);
}

asio::awaitable<void> ServerSession::sendBodyTooLarge(std::string declared_bytes) {
  const std::string size = declared_bytes.empty() ? "" : "of " + declared_bytes + " bytes ";
  co_await sendLimitError(413, "request body " + size + "is larger than the limit of " +
                                   std::to_string(limits_.max_body_bytes) + " bytes (server.max_body_bytes)",
                          "request_too_large");
}

asio::awaitable<void> ServerSession::sendLimitError(unsigned status, const std::string& message,
                                                    const char* code) {
  // The rest of the request is unread, so the connection cannot be reused after this answer.
  close_after_response_ = true;
  spdlog::warn("client request rejected: status={} {}", status, message);
  // GCC 12 miscompiles a braced initializer list inside a co_await expression, so the header
  // list is built first; the same holds in every coroutine of the project.
  HeaderList headers;
  headers.emplace_back("content-type", "application/json");
  headers.emplace_back("connection", "close");
  co_await sendResponse(status, std::move(headers),
                        openAiErrorBody(message, "invalid_request_error", {}, code));
}

bool ServerSession::sendAtOnce(ConstBufferSpan wire, std::size_t& sent) {
  ErrorCode error;
  sent = sendNow(stream_, wire, error);
  if (error) client_gone_ = true;
  return error || sent == asio::buffer_size(wire);
}

asio::awaitable<bool> ServerSession::sendRemainder(ConstBufferSpan wire, std::size_t sent) {
  // A client that stops reading cannot hold a worker's memory forever.
  stream_.tcp().expires_after(limits_.idle_timeout);
  const ErrorCode error = co_await sendRest(stream_, wire, sent);
  if (error) client_gone_ = true;
  co_return !error;
}

template <class Headers>
asio::awaitable<bool> ServerSession::sendWhole(unsigned status, Headers headers, std::string body) {
  if (clientGone()) co_return false;

  const ResponseFraming framing{!close_after_response_ && !listener_.draining(), body.size()};
  const std::string head = responseHead(status, request_version_, headers, framing);
  headers_sent_ = true;
  const std::array<asio::const_buffer, 2> wire{asio::buffer(head), asio::buffer(body)};
  std::size_t sent = 0;
  if (sendAtOnce(wire, sent)) co_return !client_gone_;
  co_return co_await sendRemainder(wire, sent);
}

asio::awaitable<bool> ServerSession::sendResponse(unsigned status, HeaderList headers, std::string body) {
  return sendWhole(status, std::move(headers), std::move(body));
}

asio::awaitable<bool> ServerSession::sendResponseViews(unsigned status, std::span<const HeaderView> headers,
                                                       std::string body) {
  return sendWhole(status, headers, std::move(body));
}

asio::awaitable<bool> ServerSession::startStream(unsigned status, HeaderList headers) {
  if (clientGone()) co_return false;

  const ResponseFraming framing{!close_after_response_ && !listener_.draining(), std::nullopt};
  const std::string head = responseHead(status, request_version_, headers, framing);
  headers_sent_ = true;
  const std::array<asio::const_buffer, 1> wire{asio::buffer(head)};
  std::size_t sent = 0;
  if (sendAtOnce(wire, sent)) co_return !client_gone_;
  co_return co_await sendRemainder(wire, sent);
}

asio::awaitable<bool> ServerSession::sendStreamData(std::string_view bytes) {
  if (clientGone()) co_return false;
  if (bytes.empty()) co_return true;

  // The chunk-size line in lowercase hex, the data and its CRLF are the bytes of Beast's
  // make_chunk. Streams send one chunk per event, so this write skips Beast's buffer adaptors.
  char size_line[sizeof(std::size_t) * 2 + 2];
  char* size_end = std::to_chars(size_line, size_line + sizeof size_line - 2, bytes.size(), 16).ptr;
  *size_end++ = '\r';
  *size_end++ = '\n';
  const auto size_bytes = static_cast<std::size_t>(size_end - size_line);
  const std::array<asio::const_buffer, 3> wire{asio::buffer(size_line, size_bytes),
                                               asio::buffer(bytes.data(), bytes.size()),
                                               asio::buffer("\r\n", 2)};
  std::size_t sent = 0;
  if (sendAtOnce(wire, sent)) co_return !client_gone_;
  co_return co_await sendRemainder(wire, sent);
}

asio::awaitable<bool> ServerSession::endStream() {
  if (clientGone()) co_return false;

  const std::array<asio::const_buffer, 1> last_chunk{asio::buffer("0\r\n\r\n", 5)};
  std::size_t sent = 0;
  if (sendAtOnce(last_chunk, sent)) co_return !client_gone_;
  co_return co_await sendRemainder(last_chunk, sent);
}

void ServerSession::setDisconnectHandler(std::function<void()> on_disconnect) {
  watch_->on_disconnect = std::move(on_disconnect);
}

void ServerSession::startDisconnectWatch() {
  // A plain TCP client that closes shows as a zero-byte read. The watch peeks, so bytes of a
  // pipelined next request stay in the socket. Unlike a readiness wait, a receive needs no
  // epoll_ctl call to arm.
  // TODO: TLS clients send close_notify first, so a TLS disconnect is seen only at the next write.
  if (stream_.isTls()) return;

  watch_ = std::make_shared<DisconnectWatch>();
  watch_->active = true;
  auto& socket = stream_.tcp().socket();
  socket.async_receive(asio::buffer(&watch_->probe, 1), asio::socket_base::message_peek,
                       [watch = watch_](ErrorCode error, std::size_t peeked) {
                         if (error == asio::error::operation_aborted || !watch->active) return;
                         if (!error && peeked > 0) return;
                         watch->gone = true;
                         if (watch->on_disconnect) {
                           auto on_disconnect = std::move(watch->on_disconnect);
                           on_disconnect();
                         }
                       });
}

void ServerSession::stopDisconnectWatch() {
  if (!watch_->active) return;
  watch_->active = false;
  watch_->on_disconnect = nullptr;
  if (!watch_->gone) {
    ErrorCode ignored;
    stream_.tcp().socket().cancel(ignored);
  }
}

void ServerSession::closeIfIdle() {
  if (!idle_) return;
  ErrorCode ignored;
  stream_.tcp().socket().cancel(ignored);
}

}  // namespace pointsman::http
