// One attempt behind its deployment's circuit breaker and limits, and the answer when every
// deployment's limits turned the request away.

#include <pointsman/upstream/plan_executor.hpp>

#include "upstream/attempt.hpp"
#include "upstream/deployment_admission.hpp"

#include <pointsman/api/api_error.hpp>
#include <pointsman/upstream/backoff.hpp>
#include <pointsman/upstream/failure_policy.hpp>

namespace pointsman::upstream {
namespace asio = boost::asio;

namespace {

void reportToBreaker(CircuitBreaker* breaker, Admission admission, const std::optional<UpstreamError>& error,
                     Clock::time_point now);

/// Reports the attempt and keeps the state gauge current; the common case, a success on a closed
/// breaker, touches no metric.
void reportAndExport(telemetry::GatewayMetrics& metrics, const std::string& deployment, CircuitBreaker* breaker,
                     Admission admission, const std::optional<UpstreamError>& error, bool key_cooled_down) {
  if (!breaker) return;
  // One clock read serves the report and both state checks, which are microseconds apart.
  const auto now = Clock::now();
  const auto before = breaker->state(now);
  if (key_cooled_down) {
    // A 429 on one key of a pool is no sign of the deployment's health, because its other keys still serve.
    breaker->onAbandoned(admission);
  } else {
    reportToBreaker(breaker, admission, error, now);
  }
  const auto after = breaker->state(now);
  if (before == BreakerState::Closed && after == BreakerState::Closed) return;
  metrics.breaker_state.labels({deployment}).set(breakerStateGauge(after));
}

void reportToBreaker(CircuitBreaker* breaker, Admission admission, const std::optional<UpstreamError>& error,
                     Clock::time_point now) {
  if (!breaker) return;
  if (!error) {
    breaker->onSuccess(admission, now);
    return;
  }
  if (error->kind == UpstreamErrorKind::Cancelled || error->origin == ErrorOrigin::Client) {
    // The client's own faults are no sign of the deployment's health.
    breaker->onAbandoned(admission);
    return;
  }
  if (error->kind == UpstreamErrorKind::HttpStatus && error->http_status == 429) {
    // A 429 from one key is no sign of the host's health, so it cools down without counting a failure.
    const auto hint = parseRetryAfter(error->retry_after, error->retry_after_ms, std::chrono::system_clock::now());
    breaker->onRateLimited(admission, now + hint.value_or(std::chrono::seconds(1)));
    return;
  }
  breaker->onFailure(admission, now);
}
std::string_view admissionReason(AdmissionVerdict verdict) {
  switch (verdict) {
    case AdmissionVerdict::RateLimited: return "rate_limit";
    case AdmissionVerdict::QueueFull: return "queue_full";
    default: return "queue_timeout";
  }
}

}  // namespace

asio::awaitable<std::optional<PlanExecutor::AttemptResult>> PlanExecutor::guardedAttempt(
    const ExecutionRequest& request, http::ResponseWriter& writer, ExecutionOutcome& outcome,
    const route::Candidate& candidate, CancelState& cancel, bool may_wait, LimitRefusals& refusals) {
  const auto& name = candidate.deployment->name;
  auto* breaker = request.breakers ? request.breakers->find(name) : nullptr;
  const auto admission = breaker ? breaker->tryAcquire(Clock::now()) : Admission::Allowed;
  if (admission == Admission::RejectedOpen || admission == Admission::RejectedRateLimited) {
    // A deployment that is cooling down is skipped without an upstream call.
    addFlag(outcome.flags, admission == Admission::RejectedOpen ? "BO" : "BR");
    metrics_.breaker_rejections.labels({name}).increment();
    co_return std::nullopt;
  }

  auto* guards = request.breakers ? request.breakers->guards(name) : nullptr;
  // A deployment without limits admits at once, and skipping the call saves a coroutine frame.
  DeploymentAdmission admitted;
  if (guards) {
    admitted = co_await admitAtDeployment(name, *guards, request.estimated_prompt_tokens, may_wait, cancel,
                                          request.shared_limits);
  }
  if (admitted.verdict != AdmissionVerdict::Admitted) {
    if (breaker) breaker->onAbandoned(admission);
    if (admitted.verdict == AdmissionVerdict::Cancelled) co_return std::nullopt;
    addFlag(outcome.flags, admissionFlag(admitted.verdict));
    metrics_.admission_rejections.labels({name, std::string(admissionReason(admitted.verdict))}).increment();
    if (admitted.verdict == AdmissionVerdict::RateLimited) {
      refusals.shortest_rate_wait = std::min(refusals.shortest_rate_wait.value_or(admitted.retry_after), admitted.retry_after);
    } else {
      refusals.queue_refused = true;
    }
    co_return std::nullopt;
  }

  auto result = co_await runAttempt(request, writer, outcome, candidate, cancel);
  admitted.slot.release();
  reportAndExport(metrics_, name, breaker, admission, result.key_cooled_down ? std::nullopt : result.error,
                  result.key_cooled_down);
  co_return result;
}

asio::awaitable<void> PlanExecutor::runRacer(const ExecutionRequest& request, http::ResponseWriter& writer,
                                             ExecutionOutcome& outcome, const route::Candidate& candidate,
                                             CancelState& cancel, bool may_wait, LimitRefusals& refusals,
                                             std::optional<AttemptResult>& result) {
  result = co_await guardedAttempt(request, writer, outcome, candidate, cancel, may_wait, refusals);
}

asio::awaitable<void> PlanExecutor::answerLimitsReached(const ExecutionRequest& request, http::ResponseWriter& writer,
                                                        ExecutionOutcome& outcome, const LimitRefusals& refusals) {
  // A rate limit frees up at a known time, so it is a 429 with that wait. A full queue is a 503.
  api::ApiError error;
  if (refusals.shortest_rate_wait) {
    const auto wait = std::chrono::ceil<std::chrono::seconds>(*refusals.shortest_rate_wait);
    error = api::ApiError{429,
                          "Every deployment of `" + request.plan->requested_model +
                              "` is at its requests- or tokens-per-minute limit. Retry after the given delay.",
                          "rate_limit_error", {}, "rate_limit_exceeded",
                          std::to_string(std::max<long long>(1, wait.count()))};
  } else {
    error = api::ApiError{503,
                          "Every deployment of `" + request.plan->requested_model +
                              "` is at its concurrency limit and its wait queue is full or timed out.",
                          "server_error", {}, "deployment_at_capacity", "1"};
  }
  outcome.status = error.status;
  outcome.error_message = error.message;
  auto headers = makeResponseHeaders(request, outcome, "application/json");
  headers.emplace_back("retry-after", error.retry_after);
  co_await writer.sendResponse(error.status, std::move(headers), error.body());
}

}  // namespace pointsman::upstream
