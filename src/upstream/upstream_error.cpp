#include <pointsman/upstream/upstream_error.hpp>

namespace pointsman::upstream {

UpstreamError httpStatusError(unsigned status, std::string body, std::string content_type) {
  UpstreamError error;
  error.kind = UpstreamErrorKind::HttpStatus;
  error.http_status = status;
  error.body = std::move(body);
  error.content_type = std::move(content_type);
  error.detail = "upstream answered HTTP " + std::to_string(status);

  const bool credential_fault = status == 401 || status == 403;
  const bool client_fault = status >= 400 && status < 500 && !credential_fault && status != 408 && status != 429;
  error.origin = client_fault ? ErrorOrigin::Client : ErrorOrigin::Upstream;
  error.retryable = !client_fault;
  return error;
}

std::string_view outcomeName(const UpstreamError& error) {
  switch (error.kind) {
    case UpstreamErrorKind::DnsFailure: return "dns_failure";
    case UpstreamErrorKind::ConnectRefused: return "connect_refused";
    case UpstreamErrorKind::ConnectFailed: return "connect_failed";
    case UpstreamErrorKind::ConnectTimeout: return "connect_timeout";
    case UpstreamErrorKind::TlsFailure: return "tls_failure";
    case UpstreamErrorKind::ConnectionReset: return "connection_reset";
    case UpstreamErrorKind::ResponseHeadersTimeout: return "response_headers_timeout";
    case UpstreamErrorKind::FirstTokenTimeout: return "first_token_timeout";
    case UpstreamErrorKind::IdleTimeout: return "idle_timeout";
    case UpstreamErrorKind::TotalTimeout: return "total_timeout";
    case UpstreamErrorKind::InBandError: return "in_band_error";
    case UpstreamErrorKind::Protocol: return "protocol_error";
    case UpstreamErrorKind::Cancelled: return "cancelled";
    case UpstreamErrorKind::HttpStatus:
      if (error.http_status == 429) return "http_429";
      if (error.http_status == 401 || error.http_status == 403) return "http_auth";
      if (error.http_status >= 500) return "http_5xx";
      return "http_4xx";
  }
  return "unknown";
}

std::string_view accessFlag(const UpstreamError& error) {
  switch (error.kind) {
    case UpstreamErrorKind::DnsFailure:
    case UpstreamErrorKind::ConnectRefused:
    case UpstreamErrorKind::ConnectFailed:
    case UpstreamErrorKind::ConnectTimeout:
    case UpstreamErrorKind::TlsFailure: return "UF";
    case UpstreamErrorKind::ConnectionReset: return "UR";
    case UpstreamErrorKind::ResponseHeadersTimeout:
    case UpstreamErrorKind::FirstTokenTimeout:
    case UpstreamErrorKind::IdleTimeout:
    case UpstreamErrorKind::TotalTimeout: return "UT";
    case UpstreamErrorKind::InBandError: return "UE";
    case UpstreamErrorKind::Protocol: return "UP";
    case UpstreamErrorKind::Cancelled: return "CD";
    case UpstreamErrorKind::HttpStatus:
      if (error.http_status == 429) return "RL";
      if (error.http_status == 401 || error.http_status == 403) return "UA";
      if (error.http_status >= 500) return "U5";
      return "U4";
  }
  return "";
}

}  // namespace pointsman::upstream
