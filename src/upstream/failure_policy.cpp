#include <pointsman/upstream/failure_policy.hpp>

#include <pointsman/upstream/backoff.hpp>

#include <algorithm>
#include <chrono>

namespace pointsman::upstream {
namespace {

std::string joinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

bool isTimeout(UpstreamErrorKind kind) {
  return kind == UpstreamErrorKind::ConnectTimeout || kind == UpstreamErrorKind::ResponseHeadersTimeout ||
         kind == UpstreamErrorKind::FirstTokenTimeout || kind == UpstreamErrorKind::IdleTimeout ||
         kind == UpstreamErrorKind::TotalTimeout;
}

/// Whole seconds for the standard `Retry-After` header, at least 1, from either upstream hint
/// (seconds, fractions, an HTTP date or `retry-after-ms`), read by the same parser that decides
/// the gateway's own wait. Empty when neither hint parses.
std::string retryAfterSeconds(const UpstreamError& error) {
  const auto hint = parseRetryAfter(error.retry_after, error.retry_after_ms, std::chrono::system_clock::now());
  if (!hint) return "";
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(*hint).count();
  return std::to_string(std::max<long long>(1, seconds));
}

}  // namespace

FailureVerdict classifyFailure(const UpstreamError& error) {
  if (error.kind == UpstreamErrorKind::Cancelled) return FailureVerdict::Stop;
  if (error.origin == ErrorOrigin::Client) return FailureVerdict::ReturnToClient;
  return FailureVerdict::Failover;
}

api::ApiError finalClientError(const UpstreamError& last_error, const std::string& last_deployment,
                               const std::vector<std::string>& tried) {
  const std::string tried_text = "deployments tried: " + joinNames(tried);

  if (last_error.kind == UpstreamErrorKind::HttpStatus && last_error.http_status == 429) {
    return {429, "Every deployment is rate limited (" + tried_text + "). Retry after the given delay.",
            "rate_limit_error", {}, "rate_limit_exceeded", retryAfterSeconds(last_error)};
  }
  if (last_error.kind == UpstreamErrorKind::HttpStatus &&
      (last_error.http_status == 401 || last_error.http_status == 403)) {
    return {502,
            "The gateway's credentials for deployment `" + last_deployment +
                "` were rejected by its provider (HTTP " + std::to_string(last_error.http_status) +
                "); " + tried_text + ".",
            "upstream_error", {}, "upstream_authentication_failed", {}};
  }
  if (isTimeout(last_error.kind)) {
    return {504, "The upstream did not answer in time (" + std::string(outcomeName(last_error)) + "); " +
                     tried_text + ".",
            "timeout_error", {}, "upstream_timeout", {}};
  }
  return {502, "Every upstream attempt failed; last error: " + last_error.detail + "; " + tried_text + ".",
          "upstream_error", {}, "upstream_failed", {}};
}

}  // namespace pointsman::upstream
