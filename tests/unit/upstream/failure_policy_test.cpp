#include <pointsman/upstream/failure_policy.hpp>

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace pointsman::upstream {

// Lets gtest print a verdict by name when an expectation fails.
void PrintTo(FailureVerdict verdict, std::ostream* out) {
  switch (verdict) {
    case FailureVerdict::Failover: *out << "Failover"; return;
    case FailureVerdict::ReturnToClient: *out << "ReturnToClient"; return;
    case FailureVerdict::Stop: *out << "Stop"; return;
  }
  *out << "FailureVerdict(" << static_cast<int>(verdict) << ")";
}

namespace {

UpstreamError errorOfKind(UpstreamErrorKind kind, std::string detail = "failed") {
  UpstreamError error;
  error.kind = kind;
  error.detail = std::move(detail);
  return error;
}

UpstreamError rateLimited(std::string retry_after, std::string retry_after_ms) {
  auto error = httpStatusError(429, R"({"error":{"message":"slow down"}})", "application/json");
  error.retry_after = std::move(retry_after);
  error.retry_after_ms = std::move(retry_after_ms);
  return error;
}

struct StatusCase {
  unsigned status;
  FailureVerdict verdict;
  bool retryable;
  const char* outcome;
  const char* flag;
};

const StatusCase kStatusCases[] = {
    {400, FailureVerdict::ReturnToClient, false, "http_4xx", "U4"},
    {401, FailureVerdict::Failover, true, "http_auth", "UA"},
    {403, FailureVerdict::Failover, true, "http_auth", "UA"},
    {404, FailureVerdict::ReturnToClient, false, "http_4xx", "U4"},
    {408, FailureVerdict::Failover, true, "http_4xx", "U4"},
    {413, FailureVerdict::ReturnToClient, false, "http_4xx", "U4"},
    {422, FailureVerdict::ReturnToClient, false, "http_4xx", "U4"},
    {429, FailureVerdict::Failover, true, "http_429", "RL"},
    {500, FailureVerdict::Failover, true, "http_5xx", "U5"},
    {502, FailureVerdict::Failover, true, "http_5xx", "U5"},
    {503, FailureVerdict::Failover, true, "http_5xx", "U5"},
};

TEST(FailurePolicy, HttpStatusTable) {
  for (const auto& test_case : kStatusCases) {
    const auto error = httpStatusError(test_case.status, "{}", "application/json");

    EXPECT_EQ(classifyFailure(error), test_case.verdict) << "HTTP " << test_case.status;
    EXPECT_EQ(error.retryable, test_case.retryable) << "HTTP " << test_case.status;
    EXPECT_EQ(outcomeName(error), test_case.outcome) << "HTTP " << test_case.status;
    EXPECT_EQ(accessFlag(error), test_case.flag) << "HTTP " << test_case.status;
  }
}

TEST(FailurePolicy, HttpStatusErrorKeepsBody) {
  const auto error = httpStatusError(400, R"({"error":{"message":"bad"}})", "application/json");

  EXPECT_EQ(error.kind, UpstreamErrorKind::HttpStatus);
  EXPECT_EQ(error.http_status, 400u);
  EXPECT_EQ(error.origin, ErrorOrigin::Client);
  EXPECT_EQ(error.body, R"({"error":{"message":"bad"}})");
  EXPECT_EQ(error.content_type, "application/json");
  EXPECT_NE(error.detail.find("400"), std::string::npos) << error.detail;
}

struct KindCase {
  UpstreamErrorKind kind;
  FailureVerdict verdict;
  const char* outcome;
  const char* flag;
};

const KindCase kKindCases[] = {
    {UpstreamErrorKind::DnsFailure, FailureVerdict::Failover, "dns_failure", "UF"},
    {UpstreamErrorKind::ConnectRefused, FailureVerdict::Failover, "connect_refused", "UF"},
    {UpstreamErrorKind::ConnectFailed, FailureVerdict::Failover, "connect_failed", "UF"},
    {UpstreamErrorKind::ConnectTimeout, FailureVerdict::Failover, "connect_timeout", "UF"},
    {UpstreamErrorKind::TlsFailure, FailureVerdict::Failover, "tls_failure", "UF"},
    {UpstreamErrorKind::ConnectionReset, FailureVerdict::Failover, "connection_reset", "UR"},
    {UpstreamErrorKind::ResponseHeadersTimeout, FailureVerdict::Failover, "response_headers_timeout", "UT"},
    {UpstreamErrorKind::FirstTokenTimeout, FailureVerdict::Failover, "first_token_timeout", "UT"},
    {UpstreamErrorKind::IdleTimeout, FailureVerdict::Failover, "idle_timeout", "UT"},
    {UpstreamErrorKind::TotalTimeout, FailureVerdict::Failover, "total_timeout", "UT"},
    {UpstreamErrorKind::InBandError, FailureVerdict::Failover, "in_band_error", "UE"},
    {UpstreamErrorKind::Protocol, FailureVerdict::Failover, "protocol_error", "UP"},
    {UpstreamErrorKind::Cancelled, FailureVerdict::Stop, "cancelled", "CD"},
};

TEST(FailurePolicy, ErrorKindTable) {
  for (const auto& test_case : kKindCases) {
    const auto error = errorOfKind(test_case.kind);

    EXPECT_EQ(classifyFailure(error), test_case.verdict) << test_case.outcome;
    EXPECT_EQ(outcomeName(error), test_case.outcome) << test_case.outcome;
    EXPECT_EQ(accessFlag(error), test_case.flag) << test_case.outcome;
  }
}

TEST(FailurePolicy, CancelledStopsWhateverTheOrigin) {
  auto error = errorOfKind(UpstreamErrorKind::Cancelled);

  for (const auto origin : {ErrorOrigin::Client, ErrorOrigin::Upstream, ErrorOrigin::Gateway}) {
    error.origin = origin;
    EXPECT_EQ(classifyFailure(error), FailureVerdict::Stop) << static_cast<int>(origin);
  }
}

TEST(FailurePolicy, ClientFaultInBandErrorReturnsToClient) {
  auto error = httpStatusError(400, R"({"error":{"message":"bad"}})", "application/json");
  error.kind = UpstreamErrorKind::InBandError;

  EXPECT_EQ(classifyFailure(error), FailureVerdict::ReturnToClient);
}

TEST(FailurePolicy, LastRateLimitKeeps429AndRetryAfter) {
  const auto error = finalClientError(rateLimited("7", ""), "gpt-4o", {"gpt-4o-azure", "gpt-4o"});

  EXPECT_EQ(error.status, 429u);
  EXPECT_EQ(error.retry_after, "7");
  EXPECT_EQ(error.type, "rate_limit_error");
  EXPECT_EQ(error.code, "rate_limit_exceeded");
  EXPECT_NE(error.message.find("gpt-4o-azure, gpt-4o"), std::string::npos) << error.message;
}

// The header the client gets and the wait the gateway takes come from one parser, which prefers
// the more precise retry-after-ms.
TEST(FailurePolicy, MillisecondHintWinsOverSeconds) {
  EXPECT_EQ(finalClientError(rateLimited("3", "1500"), "d", {"d"}).retry_after, "2");
}

TEST(FailurePolicy, RetryAfterDateBecomesWholeSeconds) {
  const std::string past = "Wed, 21 Oct 2026 07:28:00 GMT";
  const std::string fractional = "1.5";

  EXPECT_EQ(finalClientError(rateLimited(past, ""), "d", {"d"}).retry_after, "1");
  EXPECT_EQ(finalClientError(rateLimited(fractional, ""), "d", {"d"}).retry_after, "2");
  EXPECT_EQ(finalClientError(rateLimited("0", ""), "d", {"d"}).retry_after, "1");
}

TEST(FailurePolicy, RetryAfterMillisecondsRoundUpToSeconds) {
  const struct {
    const char* milliseconds;
    const char* seconds;
  } cases[] = {
      {"1500", "2"}, {"1000", "1"}, {"1001", "2"}, {"1", "1"}, {"0", "1"}, {"60000", "60"}, {"", ""}, {"soon", ""},
  };

  for (const auto& test_case : cases) {
    const auto error = finalClientError(rateLimited("", test_case.milliseconds), "d", {"d"});

    EXPECT_EQ(error.status, 429u) << test_case.milliseconds;
    EXPECT_EQ(error.retry_after, test_case.seconds) << "retry-after-ms " << test_case.milliseconds;
  }
}

TEST(FailurePolicy, UpstreamUnauthorizedBecomes502) {
  for (const unsigned status : {401u, 403u}) {
    const auto error = finalClientError(httpStatusError(status, "{}", "application/json"), "gpt-4o-azure",
                                        {"gpt-4o", "gpt-4o-azure"});

    EXPECT_EQ(error.status, 502u) << status;
    EXPECT_EQ(error.code, "upstream_authentication_failed") << status;
    EXPECT_EQ(error.type, "upstream_error") << status;
    EXPECT_NE(error.message.find("`gpt-4o-azure`"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find(std::to_string(status)), std::string::npos) << error.message;
    EXPECT_TRUE(error.retry_after.empty()) << status;
  }
}

TEST(FailurePolicy, TimeoutsBecome504) {
  for (const auto kind : {UpstreamErrorKind::ConnectTimeout, UpstreamErrorKind::ResponseHeadersTimeout,
                          UpstreamErrorKind::FirstTokenTimeout, UpstreamErrorKind::IdleTimeout,
                          UpstreamErrorKind::TotalTimeout}) {
    const auto last = errorOfKind(kind, "timed out");
    const auto error = finalClientError(last, "d", {"a", "d"});

    EXPECT_EQ(error.status, 504u) << outcomeName(last);
    EXPECT_EQ(error.code, "upstream_timeout") << outcomeName(last);
    EXPECT_EQ(error.type, "timeout_error") << outcomeName(last);
    EXPECT_NE(error.message.find(outcomeName(last)), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("deployments tried: a, d"), std::string::npos) << error.message;
  }
}

TEST(FailurePolicy, OtherFailuresBecome502NamingDeploymentsTried) {
  const UpstreamError cases[] = {
      httpStatusError(500, "{}", "application/json"),
      httpStatusError(503, "{}", "application/json"),
      httpStatusError(408, "{}", "application/json"),
      errorOfKind(UpstreamErrorKind::ConnectRefused, "connection refused"),
      errorOfKind(UpstreamErrorKind::ConnectionReset, "connection reset"),
      errorOfKind(UpstreamErrorKind::InBandError, "upstream sent an error event: overloaded"),
      errorOfKind(UpstreamErrorKind::Protocol, "not JSON"),
  };

  for (const auto& last : cases) {
    const auto error = finalClientError(last, "gpt-4o", {"gpt-4o-azure", "gpt-4o"});

    EXPECT_EQ(error.status, 502u) << last.detail;
    EXPECT_EQ(error.code, "upstream_failed") << last.detail;
    EXPECT_NE(error.message.find("deployments tried: gpt-4o-azure, gpt-4o"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find(last.detail), std::string::npos) << error.message;
  }
}

}  // namespace
}  // namespace pointsman::upstream
