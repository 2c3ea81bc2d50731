#pragma once

#include <pointsman/config/config.hpp>
#include <pointsman/http/connection_pool.hpp>
#include <pointsman/http/upstream_connection.hpp>
#include <pointsman/upstream/provider_endpoint.hpp>
#include <pointsman/upstream/upstream_error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

namespace pointsman::upstream {

using Clock = std::chrono::steady_clock;

/// Lets the client's disconnect reach whatever the request is waiting on upstream.
struct CancelState {
  bool cancelled = false;
  http::UpstreamConnection* connection = nullptr;
  /// The backoff timer while the request waits to retry.
  boost::asio::steady_timer* sleeping = nullptr;

  void cancel() {
    cancelled = true;
    if (connection) connection->close();
    if (sleeping) sleeping->cancel();
  }
};

/// One HTTP exchange with a provider for one attempt: takes a kept-alive connection from the
/// worker's pool (or opens one), sends the request, and reads the answer. Time spent waiting on
/// the upstream is summed so the gateway's own overhead can be measured.
class UpstreamCall {
 public:
  /// `endpoint` must not be null.
  UpstreamCall(http::ConnectionPool& pool, const config::ProviderConfig& provider,
               std::shared_ptr<const ProviderEndpoint> endpoint, CancelState& cancel);
  ~UpstreamCall();
  UpstreamCall(const UpstreamCall&) = delete;
  UpstreamCall& operator=(const UpstreamCall&) = delete;

  /// Sends the request and reads the response headers by `header_deadline`. A pooled
  /// connection that the upstream closed while idle is replaced once, silently.
  boost::asio::awaitable<std::optional<UpstreamError>> send(const http::OutgoingRequest& request,
                                                            Clock::time_point header_deadline,
                                                            UpstreamErrorKind header_timeout_kind);

  [[nodiscard]] unsigned status() const;
  [[nodiscard]] std::string header(std::string_view name) const;

  /// Reads the rest of the body, each read within `idle` and all of it by `total_deadline`.
  boost::asio::awaitable<std::optional<UpstreamError>> readWholeBody(std::string& body, std::size_t limit,
                                                                     std::chrono::milliseconds idle,
                                                                     Clock::time_point total_deadline);

  /// Appends the next body bytes to `out`; leaves it unchanged when the body is complete.
  boost::asio::awaitable<std::optional<UpstreamError>> readSome(std::string& out, Clock::time_point deadline,
                                                                UpstreamErrorKind timeout_kind);

  [[nodiscard]] bool bodyDone() const;

  /// Returns the connection to the pool when its response was read to the end, else closes it.
  void release();

  [[nodiscard]] double upstreamWaitSeconds() const { return upstream_wait_seconds_; }

 private:
  boost::asio::awaitable<std::optional<UpstreamError>> connect(Clock::time_point deadline);
  UpstreamError errorFromCode(const http::ErrorCode& error, UpstreamErrorKind timeout_kind) const;
  void addWait(Clock::time_point since) {
    upstream_wait_seconds_ += std::chrono::duration<double>(Clock::now() - since).count();
  }

  http::ConnectionPool& pool_;
  const config::ProviderConfig& provider_;
  std::shared_ptr<const ProviderEndpoint> endpoint_;
  CancelState& cancel_;
  std::unique_ptr<http::UpstreamConnection> connection_;
  double upstream_wait_seconds_ = 0;
};

}  // namespace pointsman::upstream
