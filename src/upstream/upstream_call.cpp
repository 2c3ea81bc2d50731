#include <pointsman/upstream/upstream_call.hpp>

#include <pointsman/http/gzip.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace pointsman::upstream {
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

bool isStaleConnectionError(const http::ErrorCode& error) {
  return error == asio::error::connection_reset || error == asio::error::broken_pipe ||
         error == asio::error::eof || error == beast::http::error::end_of_stream;
}

UpstreamError makeError(UpstreamErrorKind kind, std::string detail) {
  UpstreamError error;
  error.kind = kind;
  error.detail = std::move(detail);
  return error;
}

UpstreamError bodyTooLarge(std::size_t limit) {
  return makeError(UpstreamErrorKind::Protocol,
                   "upstream body is larger than max_response_bytes (" + std::to_string(limit) + ")");
}

}  // namespace

UpstreamCall::UpstreamCall(http::ConnectionPool& pool, const config::ProviderConfig& provider,
                           std::shared_ptr<const ProviderEndpoint> endpoint, CancelState& cancel)
    : pool_(pool), provider_(provider), endpoint_(std::move(endpoint)), cancel_(cancel) {}

UpstreamCall::~UpstreamCall() {
  cancel_.connection = nullptr;
  if (connection_) connection_->close();
}

UpstreamError UpstreamCall::errorFromCode(const http::ErrorCode& error, UpstreamErrorKind timeout_kind) const {
  if (cancel_.cancelled) return makeError(UpstreamErrorKind::Cancelled, "the client disconnected");
  if (error == beast::error::timeout) return makeError(timeout_kind, "timed out");
  if (error == asio::error::connection_refused) {
    return makeError(UpstreamErrorKind::ConnectRefused, "connection refused");
  }
  if (isStaleConnectionError(error) || error == beast::http::error::partial_message) {
    return makeError(UpstreamErrorKind::ConnectionReset, "connection closed by the upstream: " + error.message());
  }
  if (error.category() == asio::error::get_ssl_category() || error == asio::ssl::error::stream_truncated) {
    return makeError(UpstreamErrorKind::TlsFailure, "TLS failure: " + error.message());
  }
  return makeError(UpstreamErrorKind::Protocol, "upstream I/O failed: " + error.message());
}

asio::awaitable<std::optional<UpstreamError>> UpstreamCall::connect(Clock::time_point deadline) {
  http::ConnectFailure failure = http::ConnectFailure::None;
  http::ErrorCode error;
  const auto started = Clock::now();
  connection_ = co_await http::UpstreamConnection::open(endpoint_->connection, deadline, failure, error);
  addWait(started);
  if (connection_) {
    cancel_.connection = connection_.get();
    co_return std::nullopt;
  }

  switch (failure) {
    case http::ConnectFailure::Resolve:
      co_return makeError(UpstreamErrorKind::DnsFailure, "cannot resolve " + endpoint_->url.host + ": " + error.message());
    case http::ConnectFailure::Timeout:
      co_return makeError(UpstreamErrorKind::ConnectTimeout, "connect timed out");
    case http::ConnectFailure::TlsHandshake:
      // The OpenSSL reason (e.g. "certificate verify failed") is what an operator needs here.
      co_return makeError(UpstreamErrorKind::TlsFailure, "TLS handshake failed: " + error.message());
    default:
      if (error == asio::error::connection_refused) {
        co_return makeError(UpstreamErrorKind::ConnectRefused, "connection refused");
      }
      co_return makeError(UpstreamErrorKind::ConnectFailed, "connect failed: " + error.message());
  }
}

asio::awaitable<std::optional<UpstreamError>> UpstreamCall::send(const http::OutgoingRequest& request,
                                                                 Clock::time_point header_deadline,
                                                                 UpstreamErrorKind header_timeout_kind) {
  for (int try_number = 0; try_number < 2; ++try_number) {
    connection_ = pool_.take(endpoint_->pool_key);
    const bool reused = connection_ != nullptr;
    if (reused) {
      cancel_.connection = connection_.get();
    } else {
      const auto connect_deadline = std::min(header_deadline, Clock::now() + provider_.timeouts.connect);
      if (auto error = co_await connect(connect_deadline)) co_return error;
    }
    if (cancel_.cancelled) co_return makeError(UpstreamErrorKind::Cancelled, "the client disconnected");

    const auto started = Clock::now();
    const auto error = co_await connection_->sendAndReadHeader(request, header_deadline, provider_.max_response_bytes);
    addWait(started);
    if (!error) co_return std::nullopt;

    // An upstream may close a kept-alive connection just as it is reused; a fresh one settles it.
    if (reused && !cancel_.cancelled && isStaleConnectionError(error)) {
      connection_->close();
      connection_.reset();
      continue;
    }
    co_return errorFromCode(error, header_timeout_kind);
  }
  co_return makeError(UpstreamErrorKind::ConnectionReset, "connection closed by the upstream twice");
}

unsigned UpstreamCall::status() const { return connection_ ? connection_->status() : 0; }

std::string UpstreamCall::header(std::string_view name) const {
  if (!connection_) return {};
  const auto value = connection_->header(name);
  return value ? std::string(*value) : std::string();
}

asio::awaitable<std::optional<UpstreamError>> UpstreamCall::readSome(std::string& out, Clock::time_point deadline,
                                                                     UpstreamErrorKind timeout_kind) {
  const auto started = Clock::now();
  const auto error = co_await connection_->readSome(out, deadline);
  addWait(started);
  if (error) co_return errorFromCode(error, timeout_kind);
  co_return std::nullopt;
}

asio::awaitable<std::optional<UpstreamError>> UpstreamCall::readWholeBody(std::string& body, std::size_t limit,
                                                                          std::chrono::milliseconds idle,
                                                                          Clock::time_point total_deadline) {
  // Taking what is buffered first spares a short response body the read loop's two coroutine
  // frames and its clock reads.
  if (const auto error = connection_->readBuffered(body)) co_return errorFromCode(error, UpstreamErrorKind::TotalTimeout);
  if (body.size() > limit) co_return bodyTooLarge(limit);
  while (!connection_->bodyDone()) {
    const auto deadline = idle.count() > 0 ? std::min(total_deadline, Clock::now() + idle) : total_deadline;
    const auto kind = deadline == total_deadline ? UpstreamErrorKind::TotalTimeout : UpstreamErrorKind::IdleTimeout;
    if (auto error = co_await readSome(body, deadline, kind)) co_return error;
    if (body.size() > limit) co_return bodyTooLarge(limit);
  }

  // The client gets identity-encoded JSON whatever the upstream chose, so the gateway can read
  // usage and the entity headers it sends always match its bytes.
  const auto encoding = header("content-encoding");
  if (encoding == "gzip" || encoding == "deflate") {
    auto plain = http::gunzip(body, limit);
    if (!plain) co_return makeError(UpstreamErrorKind::Protocol, "upstream sent a corrupt " + encoding + " body");
    body = std::move(*plain);
  } else if (!encoding.empty() && encoding != "identity") {
    co_return makeError(UpstreamErrorKind::Protocol, "upstream used unsupported content-encoding " + encoding);
  }
  co_return std::nullopt;
}

bool UpstreamCall::bodyDone() const { return connection_ && connection_->bodyDone(); }

void UpstreamCall::release() {
  cancel_.connection = nullptr;
  if (!connection_) return;
  pool_.give(std::move(connection_), provider_.max_idle_connections);
}

}  // namespace pointsman::upstream
