#pragma once

#include <string>
#include <string_view>

namespace pointsman::upstream {

enum class UpstreamErrorKind {
  DnsFailure,
  ConnectRefused,
  ConnectFailed,
  ConnectTimeout,
  TlsFailure,
  ConnectionReset,
  ResponseHeadersTimeout,
  FirstTokenTimeout,
  IdleTimeout,
  TotalTimeout,
  HttpStatus,
  InBandError,
  Protocol,
  Cancelled,
};

/// The cause of a failure: the client's request, the upstream, or the gateway itself.
enum class ErrorOrigin { Client, Upstream, Gateway };

/// The one error type of an upstream attempt. `retryable` tells whether another attempt (same or
/// next deployment) may succeed. The status sent to the client is chosen in one place,
/// failure_policy.hpp.
struct UpstreamError {
  UpstreamErrorKind kind = UpstreamErrorKind::Protocol;
  ErrorOrigin origin = ErrorOrigin::Upstream;
  bool retryable = true;
  unsigned http_status = 0;
  std::string detail;
  /// For HttpStatus: the upstream's body and content type, returned as-is for client errors.
  std::string body;
  std::string content_type;
  /// The upstream's `Retry-After` (seconds or HTTP date) and `retry-after-ms`, when sent.
  std::string retry_after;
  std::string retry_after_ms;
};

/// Builds an HttpStatus error from an upstream answer, classifying it: 4xx other than 401, 403,
/// 408 and 429 are the request's own fault and not retryable.
UpstreamError httpStatusError(unsigned status, std::string body, std::string content_type);

/// A short, stable name for metrics labels and logs, e.g. "connect_refused", "http_5xx".
std::string_view outcomeName(const UpstreamError& error);

/// The access-log flag for an error kind, e.g. "UF" (connect failure), "UT" (upstream timeout).
std::string_view accessFlag(const UpstreamError& error);

}  // namespace pointsman::upstream
