#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <pointsman/upstream/retry_policy.hpp>
#include <string>

namespace pointsman::upstream {

// Lets gtest print a verdict by name when an expectation fails.
void PrintTo(RetryVerdict verdict, std::ostream* out) {
  switch (verdict) {
    case RetryVerdict::RetrySame:
      *out << "RetrySame";
      return;
    case RetryVerdict::FailOver:
      *out << "FailOver";
      return;
    case RetryVerdict::NoAttemptsLeft:
      *out << "NoAttemptsLeft";
      return;
    case RetryVerdict::DeadlinePassed:
      *out << "DeadlinePassed";
      return;
    case RetryVerdict::NotRetryable:
      *out << "NotRetryable";
      return;
    case RetryVerdict::ClientGone:
      *out << "ClientGone";
      return;
  }
  *out << "RetryVerdict(" << static_cast<int>(verdict) << ")";
}

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = std::chrono::steady_clock::time_point;

const TimePoint kNow = TimePoint{} + std::chrono::hours(1);

UpstreamError errorOfKind(UpstreamErrorKind kind) {
  UpstreamError error;
  error.kind = kind;
  error.detail = "failed";
  return error;
}

UpstreamError status(unsigned code, std::string body = "") {
  return httpStatusError(code, std::move(body), "application/json");
}

/// Builds a failed attempt with room for both a same-deployment retry and a failover.
AttemptOutcome outcomeOf(UpstreamError error) {
  AttemptOutcome outcome;
  outcome.error = std::move(error);
  outcome.attempt_on_deployment = 1;
  outcome.attempts_total = 1;
  outcome.candidates_left = 2;
  outcome.now = kNow;
  outcome.deadline = kNow + seconds(60);
  return outcome;
}

RetryPolicy policyWithRetries() {
  RetryPolicy policy;
  policy.max_attempts_per_deployment = 3;
  return policy;
}

struct KindCase {
  const char* name;
  UpstreamError error;
  /// Verdict with attempts left on the deployment and candidates after it.
  RetryVerdict with_room;
  /// Verdict on the last candidate, still with attempts left on it.
  RetryVerdict on_last_candidate;
};

TEST(RetryPolicy, ErrorKindTable) {
  const KindCase cases[] = {
      {"connect refused", errorOfKind(UpstreamErrorKind::ConnectRefused), RetryVerdict::RetrySame,
       RetryVerdict::RetrySame},
      {"connect failed", errorOfKind(UpstreamErrorKind::ConnectFailed), RetryVerdict::RetrySame,
       RetryVerdict::RetrySame},
      {"connection reset", errorOfKind(UpstreamErrorKind::ConnectionReset), RetryVerdict::RetrySame,
       RetryVerdict::RetrySame},
      {"connect timeout", errorOfKind(UpstreamErrorKind::ConnectTimeout), RetryVerdict::RetrySame,
       RetryVerdict::RetrySame},
      {"idle timeout", errorOfKind(UpstreamErrorKind::IdleTimeout), RetryVerdict::RetrySame,
       RetryVerdict::RetrySame},
      {"in-band error", errorOfKind(UpstreamErrorKind::InBandError), RetryVerdict::RetrySame,
       RetryVerdict::RetrySame},
      {"dns failure", errorOfKind(UpstreamErrorKind::DnsFailure), RetryVerdict::FailOver,
       RetryVerdict::RetrySame},
      {"response headers timeout", errorOfKind(UpstreamErrorKind::ResponseHeadersTimeout),
       RetryVerdict::FailOver, RetryVerdict::RetrySame},
      {"first token timeout", errorOfKind(UpstreamErrorKind::FirstTokenTimeout),
       RetryVerdict::FailOver, RetryVerdict::RetrySame},
      {"total timeout", errorOfKind(UpstreamErrorKind::TotalTimeout), RetryVerdict::FailOver,
       RetryVerdict::RetrySame},
      {"protocol error", errorOfKind(UpstreamErrorKind::Protocol), RetryVerdict::FailOver,
       RetryVerdict::RetrySame},
      {"tls failure", errorOfKind(UpstreamErrorKind::TlsFailure), RetryVerdict::FailOver,
       RetryVerdict::NoAttemptsLeft},
      {"cancelled", errorOfKind(UpstreamErrorKind::Cancelled), RetryVerdict::ClientGone,
       RetryVerdict::ClientGone},
      {"http 500", status(500), RetryVerdict::RetrySame, RetryVerdict::RetrySame},
      {"http 502", status(502), RetryVerdict::RetrySame, RetryVerdict::RetrySame},
      {"http 503", status(503), RetryVerdict::RetrySame, RetryVerdict::RetrySame},
      {"http 504", status(504), RetryVerdict::RetrySame, RetryVerdict::RetrySame},
      {"http 408", status(408), RetryVerdict::RetrySame, RetryVerdict::RetrySame},
      {"http 429", status(429), RetryVerdict::RetrySame, RetryVerdict::RetrySame},
      {"http 400", status(400), RetryVerdict::NotRetryable, RetryVerdict::NotRetryable},
      {"http 404", status(404), RetryVerdict::NotRetryable, RetryVerdict::NotRetryable},
      {"http 413", status(413), RetryVerdict::NotRetryable, RetryVerdict::NotRetryable},
      {"http 422", status(422), RetryVerdict::NotRetryable, RetryVerdict::NotRetryable},
      {"http 401", status(401), RetryVerdict::FailOver, RetryVerdict::NoAttemptsLeft},
      {"http 403", status(403), RetryVerdict::FailOver, RetryVerdict::NoAttemptsLeft},
  };
  const auto policy = policyWithRetries();
  for (const auto& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    auto outcome = outcomeOf(test_case.error);
    EXPECT_EQ(classify(policy, outcome), test_case.with_room);

    outcome.candidates_left = 0;
    EXPECT_EQ(classify(policy, outcome), test_case.on_last_candidate);
  }
}

TEST(RetryPolicy, TransientFailsOverWhenDeploymentExhausted) {
  const auto policy = policyWithRetries();
  const UpstreamError errors[] = {errorOfKind(UpstreamErrorKind::ConnectRefused),
                                  errorOfKind(UpstreamErrorKind::ConnectionReset), status(503),
                                  status(429)};
  for (const auto& error : errors) {
    SCOPED_TRACE(outcomeName(error));
    auto outcome = outcomeOf(error);
    outcome.attempt_on_deployment = 3;
    EXPECT_EQ(classify(policy, outcome), RetryVerdict::FailOver);

    outcome.candidates_left = 0;
    EXPECT_EQ(classify(policy, outcome), RetryVerdict::NoAttemptsLeft);
  }
}

TEST(RetryPolicy, DefaultPolicyNeverRetriesSameDeployment) {
  const RetryPolicy policy;
  auto outcome = outcomeOf(status(503));
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::FailOver);

  outcome.candidates_left = 0;
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::NoAttemptsLeft);
}

TEST(RetryPolicy, RateLimitWaitsWhenRetryAfterFitsDeadline) {
  const auto policy = policyWithRetries();
  auto outcome = outcomeOf(status(429));
  outcome.upstream_delay = seconds(5);
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::RetrySame);
}

TEST(RetryPolicy, RateLimitPastDeadlineFailsOver) {
  const auto policy = policyWithRetries();
  auto outcome = outcomeOf(status(429));
  outcome.deadline = kNow + seconds(4);
  outcome.upstream_delay = seconds(5);
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::FailOver);

  outcome.candidates_left = 0;
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::NoAttemptsLeft);
}

TEST(RetryPolicy, RateLimitAboveMaximumFailsOver) {
  auto policy = policyWithRetries();
  policy.max_retry_after = seconds(10);
  auto outcome = outcomeOf(status(429));
  outcome.upstream_delay = seconds(11);
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::FailOver);

  outcome.upstream_delay = seconds(10);
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::RetrySame);
}

TEST(RetryPolicy, RateLimitFailsOverWhenSameRetryDisabled) {
  auto policy = policyWithRetries();
  policy.retry_same_on_429 = false;
  auto outcome = outcomeOf(status(429));
  outcome.upstream_delay = seconds(1);
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::FailOver);

  outcome.candidates_left = 0;
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::NoAttemptsLeft);
}

TEST(RetryPolicy, DeadlinePassed) {
  const auto policy = policyWithRetries();
  auto outcome = outcomeOf(status(503));
  outcome.deadline = kNow;
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::DeadlinePassed);

  outcome.deadline = kNow - milliseconds(1);
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::DeadlinePassed);
}

TEST(RetryPolicy, CancelledWinsOverPassedDeadline) {
  auto outcome = outcomeOf(errorOfKind(UpstreamErrorKind::Cancelled));
  outcome.deadline = kNow - seconds(1);
  EXPECT_EQ(classify(policyWithRetries(), outcome), RetryVerdict::ClientGone);
}

TEST(RetryPolicy, ClientFaultWinsOverPassedDeadline) {
  auto outcome = outcomeOf(status(400));
  outcome.deadline = kNow - seconds(1);
  EXPECT_EQ(classify(policyWithRetries(), outcome), RetryVerdict::NotRetryable);
}

TEST(RetryPolicy, NoDeadlineNeverPasses) {
  auto outcome = outcomeOf(status(429));
  outcome.deadline = TimePoint::max();
  outcome.upstream_delay = seconds(20);
  EXPECT_EQ(classify(policyWithRetries(), outcome), RetryVerdict::RetrySame);
}

TEST(RetryPolicy, TotalAttemptsExhausted) {
  auto policy = policyWithRetries();
  policy.max_total_attempts = 4;
  auto outcome = outcomeOf(errorOfKind(UpstreamErrorKind::ConnectRefused));
  outcome.attempts_total = 3;
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::RetrySame);

  outcome.attempts_total = 4;
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::NoAttemptsLeft);
}

TEST(RetryPolicy, ZeroTotalAttemptsMeansOneRoundOverCandidates) {
  const RetryPolicy policy;
  auto outcome = outcomeOf(status(502));
  outcome.attempts_total = 50;
  outcome.candidates_left = 1;
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::FailOver);
}

constexpr const char* kContextLengthBody =
    R"({"error":{"message":"too long","type":"invalid_request_error",)"
    R"("code":"context_length_exceeded"}})";

TEST(RetryPolicy, ContextLengthFailsOverOnlyToLargerWindow) {
  auto outcome = outcomeOf(status(400, kContextLengthBody));
  EXPECT_EQ(classify(policyWithRetries(), outcome), RetryVerdict::NotRetryable);

  outcome.larger_context_available = true;
  EXPECT_EQ(classify(policyWithRetries(), outcome), RetryVerdict::FailOver);

  outcome.candidates_left = 0;
  EXPECT_EQ(classify(policyWithRetries(), outcome), RetryVerdict::NoAttemptsLeft);
}

TEST(RetryPolicy, ContentFilterFailsOverOnlyWhenEnabled) {
  auto policy = policyWithRetries();
  auto outcome = outcomeOf(status(400, R"({"error":{"code":"content_filter","message":"x"}})"));
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::NotRetryable);

  policy.failover_on_content_filter = true;
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::FailOver);
}

TEST(RetryPolicy, ErrorCodeDetection) {
  EXPECT_TRUE(isContextLengthExceeded(status(400, kContextLengthBody)));
  EXPECT_TRUE(isContextLengthExceeded(status(400, R"({"code": "context_length_exceeded"})")));
  EXPECT_FALSE(isContextLengthExceeded(status(413, kContextLengthBody)));
  EXPECT_FALSE(isContextLengthExceeded(status(400, R"({"error":{"code":"invalid_value"}})")));
  EXPECT_FALSE(isContextLengthExceeded(status(400, "context_length_exceeded")));
  EXPECT_FALSE(isContextLengthExceeded(status(400, R"({"error":{"code":42}})")));
  EXPECT_FALSE(isContextLengthExceeded(status(400, R"({"error":"context_length_exceeded"})")));
  EXPECT_FALSE(isContextLengthExceeded(status(400, "{")));
  EXPECT_TRUE(isContentFiltered(status(400, R"({"error":{"code":"content_policy_violation"}})")));
  EXPECT_FALSE(isContentFiltered(status(400, kContextLengthBody)));
}

TEST(RetryPolicy, FilteredAnswerFailsOverOnlyWithTheFlag) {
  const auto filtered = filteredAnswerError(
      R"({"object":"chat.completion","choices":[{"index":0,"message":{"content":"Par"},"finish_reason":"content_filter"}]})");
  ASSERT_TRUE(filtered.has_value());
  EXPECT_TRUE(isContentFiltered(*filtered));

  RetryPolicy policy;
  const auto outcome = outcomeOf(*filtered);
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::NotRetryable);
  policy.failover_on_content_filter = true;
  EXPECT_EQ(classify(policy, outcome), RetryVerdict::FailOver);
}

TEST(RetryPolicy, FilteredAnswerDetection) {
  EXPECT_TRUE(filteredAnswerError(R"({"type":"message","stop_reason":"refusal","content":[]})").has_value());
  EXPECT_FALSE(filteredAnswerError(R"({"choices":[{"finish_reason":"stop"}]})").has_value());
  EXPECT_FALSE(filteredAnswerError(R"({"type":"message","stop_reason":"end_turn"})").has_value());
  EXPECT_FALSE(filteredAnswerError(R"({"choices":"content_filter"})").has_value());
  EXPECT_FALSE(filteredAnswerError("not json").has_value());
}

}  // namespace
}  // namespace pointsman::upstream
