#include <pointsman/upstream/plan_executor.hpp>

#include "upstream/attempt.hpp"

#include <pointsman/api/stream_event.hpp>
#include <pointsman/http/error_body.hpp>
#include <pointsman/upstream/backoff.hpp>
#include <pointsman/upstream/failure_policy.hpp>

#include <boost/asio/as_tuple.hpp>
#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace pointsman::upstream {
namespace asio = boost::asio;

void addFlag(std::string& flags, std::string_view flag) {
  if (flag.empty() || flags.find(flag) != std::string::npos) return;
  if (!flags.empty()) flags += ',';
  flags += flag;
}

namespace {

std::string_view timeoutPhase(UpstreamErrorKind kind) {
  switch (kind) {
    case UpstreamErrorKind::ConnectTimeout: return "connect";
    case UpstreamErrorKind::ResponseHeadersTimeout: return "response_headers";
    case UpstreamErrorKind::FirstTokenTimeout: return "first_token";
    case UpstreamErrorKind::IdleTimeout: return "idle";
    case UpstreamErrorKind::TotalTimeout: return "total";
    default: return "";
  }
}

UpstreamError everyKeyCoolingDown(const config::ProviderConfig& provider, Clock::time_point earliest_return) {
  auto error = httpStatusError(429, {}, {});
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(earliest_return - Clock::now());
  error.retry_after_ms = std::to_string(std::max<long long>(1, wait.count()));
  error.detail = "every API key of provider " + provider.name + " is cooling down after rate limits";
  return error;
}

bool largerContextAfter(const std::vector<route::Candidate>& candidates, std::size_t index) {
  const auto current = candidates[index].deployment->context;
  for (std::size_t later = index + 1; later < candidates.size(); ++later) {
    if (current > 0 && candidates[later].deployment->context > current) return true;
  }
  return false;
}

}  // namespace

PlanExecutor::PlanExecutor(http::ConnectionPool& pool, telemetry::GatewayMetrics& metrics)
    : pool_(pool), metrics_(metrics), random_(std::random_device{}()) {}

asio::awaitable<ExecutionOutcome> PlanExecutor::execute(const ExecutionRequest& request,
                                                        http::ResponseWriter& writer) {
  ExecutionOutcome outcome;
  CancelState cancel;
  writer.setDisconnectHandler([&cancel] { cancel.cancel(); });
  // The handler points at this frame's CancelState, so it must not outlive any return below.
  struct ClearDisconnectHandler {
    http::ResponseWriter& writer;
    ~ClearDisconnectHandler() { writer.setDisconnectHandler(nullptr); }
  } clear_disconnect_handler{writer};

  if (request.fan_out) co_return co_await executeFanOut(request, writer);
  if (request.accept_answer && request.plan->candidates.size() > 1) co_return co_await executeCascade(request, writer);
  if (request.hedge_budget) request.hedge_budget->onPrimaryRequest();

  std::vector<std::string> tried;
  std::optional<UpstreamError> last_error;
  LimitRefusals refusals;
  const auto candidates = orderCandidates(request);
  int attempts_total = 0;
  bool stop = false;
  bool hedged = false;

  for (std::size_t index = 0; index < candidates.size() && !stop && !cancel.cancelled; ++index) {
    const auto& candidate = candidates[index];
    bool skip_next = false;

    for (int attempt_on_deployment = 1; !cancel.cancelled; ++attempt_on_deployment) {
      std::optional<AttemptResult> result;
      const auto delay = hedged || attempt_on_deployment > 1 || index + 1 >= candidates.size()
                             ? std::nullopt
                             : hedgeDelay(request, candidate);
      if (delay) {
        hedged = true;
        auto round = co_await runHedged(request, writer, outcome, candidate, candidates[index + 1], cancel, *delay,
                                        refusals);
        if (round.secondary) {
          ++attempts_total;
          if (round.primary) tried.push_back(candidate.deployment->name);
          tried.push_back(candidates[index + 1].deployment->name);
          skip_next = true;
          const auto& secondary = *round.secondary;
          if (round.secondary_won || !secondary.error || secondary.committed) co_return outcome;
          last_error = secondary.error;
        }
        result = std::move(round.primary);
      } else {
        result = co_await guardedAttempt(request, writer, outcome, candidate, cancel, true, refusals);
      }
      if (!result) break;  // Turned away by the breaker or the limits: the next deployment.

      ++attempts_total;
      if (std::find(tried.begin(), tried.end(), candidate.deployment->name) == tried.end()) {
        tried.push_back(candidate.deployment->name);
      }
      if (!result->error || result->committed) co_return outcome;

      const UpstreamError error = std::move(*result->error);
      recordFailure(request, outcome, candidate, error);
      AttemptOutcome attempt_outcome;
      attempt_outcome.error = error;
      attempt_outcome.attempt_on_deployment = attempt_on_deployment;
      attempt_outcome.attempts_total = attempts_total;
      attempt_outcome.candidates_left = static_cast<int>(candidates.size() - index - 1);
      attempt_outcome.now = Clock::now();
      attempt_outcome.deadline = request.deadline;
      attempt_outcome.upstream_delay =
          parseRetryAfter(error.retry_after, error.retry_after_ms, std::chrono::system_clock::now());
      attempt_outcome.larger_context_available = largerContextAfter(candidates, index);
      const auto verdict = classify(request.retry, attempt_outcome);
      // After a hedged round the hedge's error is the later one and stays the last.
      if (!skip_next) last_error = error;

      if (verdict == RetryVerdict::ClientGone) break;
      if (verdict == RetryVerdict::NotRetryable) {
        co_await returnUpstreamError(request, writer, outcome, error);
        co_return outcome;
      }
      if (verdict == RetryVerdict::NoAttemptsLeft || verdict == RetryVerdict::DeadlinePassed) {
        if (verdict == RetryVerdict::DeadlinePassed) addFlag(outcome.flags, "DL");
        stop = true;
        break;
      }
      if (verdict == RetryVerdict::RetrySame && !skip_next) {
        const auto delay_before_retry = nextDelay(request.retry, attempt_on_deployment, uniform_(random_),
                                                  attempt_outcome.upstream_delay, Clock::now(), request.deadline);
        if (!delay_before_retry.fits_deadline) break;
        spdlog::warn("req={} attempt {} at deployment={} failed: {} ({}); retrying the same deployment in {} ms",
                     request.request_id, outcome.attempts.size(), candidate.deployment->name, last_error->detail,
                     outcomeName(*last_error), delay_before_retry.delay.count());
        metrics_.retries.labels({candidate.deployment->name, std::string(outcomeName(*last_error))}).increment();
        addFlag(outcome.flags, "RT");
        if (!co_await sleepFor(delay_before_retry.delay, cancel)) break;
        continue;
      }
      break;  // FailOver
    }

    if (skip_next) ++index;
    if (!stop && !cancel.cancelled && last_error && index + 1 < candidates.size()) {
      const auto& next = candidates[index + 1].deployment->name;
      spdlog::warn("req={} deployment={} provider={} failed: {} ({}); failing over to {}", request.request_id,
                   candidate.deployment->name, candidate.provider->name, last_error->detail, outcomeName(*last_error),
                   next);
      metrics_.failovers.labels({candidate.deployment->name, next, std::string(outcomeName(*last_error))}).increment();
    }
  }

  if (cancel.cancelled || writer.clientGone()) {
    outcome.client_gone = true;
    outcome.status = 499;
    addFlag(outcome.flags, "CD");
    co_return outcome;
  }

  if (!last_error) {
    // Every deployment turned the request away before any upstream call.
    if (refusals.shortest_rate_wait || refusals.queue_refused) {
      co_await answerLimitsReached(request, writer, outcome, refusals);
    } else {
      co_await answerAllCoolingDown(request, writer, outcome);
    }
    co_return outcome;
  }
  spdlog::error("req={} every attempt failed ({}); last error at deployment={}: {} ({})", request.request_id,
                outcome.attempts.size(), outcome.deployment, last_error->detail, outcomeName(*last_error));
  addFlag(outcome.flags, "RX");
  co_await answerWithError(request, writer, outcome, *last_error, tried);
  co_return outcome;
}

std::vector<route::Candidate> PlanExecutor::orderCandidates(const ExecutionRequest& request) {
  auto candidates = request.plan->candidates;
  if (!request.balance || candidates.size() < 2 || !request.breakers) return candidates;

  // The strategy picks the first attempt among deployments whose breaker admits requests; the
  // others keep their configured order as failover.
  std::vector<BalanceCandidate> choices;
  const auto now = Clock::now();
  for (const auto& candidate : candidates) {
    const auto& name = candidate.deployment->name;
    auto* breaker = request.breakers->find(name);
    BalanceCandidate choice;
    choice.load = request.breakers->load(name);
    if (request.weights) {
      const auto weight = request.weights->find(name);
      if (weight != request.weights->end()) choice.weight = weight->second;
    }
    choice.excluded = choice.load == nullptr || (breaker && breaker->state(now) == BreakerState::Open);
    choices.push_back(choice);
  }
  const auto picked = pickDeployment(*request.balance, choices, balance_random_);
  if (picked && *picked > 0) {
    const auto first = candidates[*picked];
    candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(*picked));
    candidates.insert(candidates.begin(), first);
  }
  return candidates;
}

asio::awaitable<PlanExecutor::AttemptResult> PlanExecutor::runAttempt(const ExecutionRequest& request,
                                                                       http::ResponseWriter& writer,
                                                                       ExecutionOutcome& outcome,
                                                                       const route::Candidate& candidate,
                                                                       CancelState& cancel) {
  outcome.deployment = candidate.deployment->name;
  AttemptResult result;

  // With a key pool, each attempt uses a key that is not cooling down after a 429.
  auto* key_pool = request.key_pools ? request.key_pools->find(candidate.provider->name) : nullptr;
  std::optional<std::size_t> key_index;
  if (key_pool) {
    key_index = key_pool->pick(Clock::now(), uniform_(random_));
    if (!key_index) {
      result.error = everyKeyCoolingDown(*candidate.provider, key_pool->earliestReturn());
      co_return result;
    }
  }
  const config::Secret* key = key_index ? &candidate.provider->api_keys[*key_index].key : nullptr;
  outcome.attempts.push_back({candidate.deployment->name, "", 0});

  auto endpoint = endpoints_.find(*candidate.provider);
  if (!endpoint) {
    // Config validation rejects such a base_url, so this guards a provider built another way.
    UpstreamError error;
    error.kind = UpstreamErrorKind::Protocol;
    error.detail = "invalid base_url of provider " + candidate.provider->name;
    outcome.attempts.back().outcome = outcomeName(error);
    result.error = std::move(error);
    co_return result;
  }
  UpstreamCall call(pool_, *candidate.provider, endpoint, cancel);
  auto message = buildUpstreamRequest(request, candidate, endpoint->url, key);
  if (auto* error = std::get_if<UpstreamError>(&message)) {
    // The request has no form for this provider: the client's 400, without an upstream call.
    outcome.attempts.back().outcome = outcomeName(*error);
    result.error = std::move(*error);
    co_return result;
  }
  Attempt attempt{request, writer, outcome, candidate, call, std::move(std::get<http::OutgoingRequest>(message))};

  auto* load = request.breakers ? request.breakers->load(candidate.deployment->name) : nullptr;
  if (load) load->startRequest();

  // GCC 12 miscompiles co_await inside ?:, && and ||, so every co_await here is a statement.
  if (request.stream) {
    result.error = co_await runStream(attempt);
  } else {
    result.error = co_await runNonStream(attempt);
  }
  result.committed = attempt.committed;
  if (load) {
    load->finishRequest();
    if (attempt.first_byte_at) {
      load->recordTimeToFirstToken(
          std::chrono::duration_cast<std::chrono::microseconds>(*attempt.first_byte_at - attempt.started));
    } else if (result.error && result.error->kind == UpstreamErrorKind::Cancelled) {
      // A hedge that won cancelled this attempt before its first byte; its wait so far is a lower
      // bound of its time to first byte. Without it only fast answers would feed the p95, and a
      // p95 hedge delay would shrink to its floor.
      load->recordTimeToFirstToken(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - attempt.started));
    }
  }
  outcome.upstream_wait_seconds += call.upstreamWaitSeconds();
  if (key_index && result.error && result.error->kind == UpstreamErrorKind::HttpStatus &&
      result.error->http_status == 429) {
    const auto hint = parseRetryAfter(result.error->retry_after, result.error->retry_after_ms,
                                      std::chrono::system_clock::now());
    key_pool->coolDown(*key_index, Clock::now() + hint.value_or(std::chrono::seconds(1)));
    result.key_cooled_down = key_pool->size() > 1;
  }

  const std::string outcome_name = result.error ? std::string(outcomeName(*result.error)) : "ok";
  outcome.attempts.back().outcome = outcome_name;
  metrics_.upstream_attempts.labels({candidate.deployment->name, outcome_name}).increment();
  co_return result;
}

void PlanExecutor::recordFailure(const ExecutionRequest& request, ExecutionOutcome& outcome,
                                 const route::Candidate& candidate, const UpstreamError& error) {
  addFlag(outcome.flags, accessFlag(error));
  if (const auto phase = timeoutPhase(error.kind); !phase.empty()) {
    metrics_.upstream_timeouts.labels({candidate.deployment->name, std::string(phase)}).increment();
  }
  if (error.kind == UpstreamErrorKind::HttpStatus && (error.http_status == 401 || error.http_status == 403)) {
    spdlog::error("req={} provider={} rejected the gateway's credentials for deployment={} (HTTP {}); check its api_key",
                  request.request_id, candidate.provider->name, candidate.deployment->name, error.http_status);
  }
}

asio::awaitable<bool> PlanExecutor::sleepFor(std::chrono::milliseconds delay, CancelState& cancel) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(delay);
  cancel.sleeping = &timer;
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  cancel.sleeping = nullptr;
  co_return !cancel.cancelled;
}

asio::awaitable<void> PlanExecutor::answerAllCoolingDown(const ExecutionRequest& request, http::ResponseWriter& writer,
                                                         ExecutionOutcome& outcome) {
  // Only rate-limit cool-downs: a 429 with the shortest wait, without an upstream call.
  const auto now = Clock::now();
  std::optional<Clock::time_point> earliest_rate_limit;
  const route::Candidate* earliest_open = nullptr;
  Clock::time_point earliest_open_end = Clock::time_point::max();
  for (const auto& candidate : request.plan->candidates) {
    auto* breaker = request.breakers ? request.breakers->find(candidate.deployment->name) : nullptr;
    if (!breaker) continue;
    if (breaker->rateLimitedUntil() > now) {
      earliest_rate_limit = std::min(earliest_rate_limit.value_or(Clock::time_point::max()), breaker->rateLimitedUntil());
    } else if (breaker->coolDownEndsAt() < earliest_open_end) {
      earliest_open_end = breaker->coolDownEndsAt();
      earliest_open = &candidate;
    }
  }

  if (!earliest_open && earliest_rate_limit) {
    const auto wait = std::chrono::ceil<std::chrono::seconds>(*earliest_rate_limit - now);
    const api::ApiError error{429, "Every deployment of `" + request.plan->requested_model +
                                       "` is cooling down after rate limits. Retry after the given delay.",
                              "rate_limit_error", {}, "rate_limit_exceeded", std::to_string(std::max<long long>(1, wait.count()))};
    outcome.status = 429;
    outcome.error_message = error.message;
    auto headers = makeResponseHeaders(request, outcome, "application/json");
    headers.emplace_back("retry-after", error.retry_after);
    co_await writer.sendResponse(429, std::move(headers), error.body());
    co_return;
  }

  // Every breaker is open after errors: the one whose cool-down ends first gets a probe rather
  // than the request failing untried.
  CancelState cancel;
  writer.setDisconnectHandler([&cancel] { cancel.cancel(); });
  addFlag(outcome.flags, "BP");
  auto result = co_await runAttempt(request, writer, outcome, *earliest_open, cancel);
  writer.setDisconnectHandler(nullptr);
  if (!result.error || result.committed) co_return;
  if (cancel.cancelled) {
    outcome.client_gone = true;
    outcome.status = 499;
    co_return;
  }
  recordFailure(request, outcome, *earliest_open, *result.error);
  if (classifyFailure(*result.error) == FailureVerdict::ReturnToClient) {
    co_await returnUpstreamError(request, writer, outcome, *result.error);
    co_return;
  }
  std::vector<std::string> tried{earliest_open->deployment->name};
  co_await answerWithError(request, writer, outcome, *result.error, tried);
}

asio::awaitable<std::optional<UpstreamError>> PlanExecutor::runNonStream(Attempt& attempt) {
  const auto header_deadline =
      std::min(attempt.totalDeadline(), Clock::now() + attempt.timeouts().response_headers);
  if (auto error = co_await attempt.call.send(attempt.message, header_deadline,
                                              UpstreamErrorKind::ResponseHeadersTimeout)) {
    co_return error;
  }

  std::string body;
  attempt.first_byte_at = Clock::now();
  const unsigned status = attempt.call.status();
  attempt.outcome.attempts.back().status = status;
  attempt.outcome.upstream_request_id = attempt.call.header("x-request-id");
  if (auto error = co_await attempt.call.readWholeBody(body, attempt.candidate.provider->max_response_bytes,
                                                       attempt.timeouts().idle, attempt.totalDeadline())) {
    co_return error;
  }

  if (status < 200 || status >= 300) {
    auto translated_status = status;
    attempt.adapter.translateError(translated_status, body);
    auto error = httpStatusError(translated_status, std::move(body), attempt.call.header("content-type"));
    error.retry_after = attempt.call.header("retry-after");
    error.retry_after_ms = attempt.call.header("retry-after-ms");
    attempt.call.release();
    co_return error;
  }

  // A 200 whose body is not JSON is a degraded answer: another deployment may do better.
  const auto body_info = attempt.adapter.translateResponse(body);
  if (!body_info.valid_json) {
    UpstreamError error;
    error.kind = UpstreamErrorKind::Protocol;
    error.detail = "upstream answered 200 with a body that is not JSON";
    co_return error;
  }
  attempt.outcome.usage = body_info.usage;
  // A completion the content filter stopped fails over like a filtered prompt when the route
  // sets failover_on_content_filter.
  if (attempt.request.retry.failover_on_content_filter) {
    if (auto filtered = filteredAnswerError(body)) {
      attempt.call.release();
      co_return filtered;
    }
  }
  attempt.call.release();

  attempt.outcome.status = status;
  // The headers are views of strings that live until the send completes, because a HeaderList
  // copied each of them.
  ResponseHeaderViews headers(attempt.request, attempt.outcome, "application/json");
  std::string cost;
  if (attempt.request.cost_note) {
    cost = attempt.request.cost_note(attempt.deploymentName(), attempt.outcome.usage);
    headers.add("x-pointsman-cost-usd", cost);
  }
  const bool sent = co_await attempt.writer.sendResponseViews(status, headers.views(), std::move(body));
  if (!sent) {
    attempt.outcome.client_gone = true;
    attempt.outcome.status = 499;
  }
  co_return std::nullopt;
}

asio::awaitable<void> PlanExecutor::returnUpstreamError(const ExecutionRequest& request, http::ResponseWriter& writer,
                                                        ExecutionOutcome& outcome, const UpstreamError& error) {
  // The request's own fault: the client sees the upstream's status and body (type, code, param
  // and message kept). A body that is not an OpenAI error object is wrapped into one.
  std::string body = error.body;
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("error")) {
    body = http::openAiErrorBody(body.empty() ? error.detail : body.substr(0, 2000), "invalid_request_error");
  }
  outcome.status = error.http_status;
  outcome.error_message = error.detail;
  if (!outcome.attempts.empty()) outcome.attempts.back().status = error.http_status;

  if (writer.headersSent()) {
    co_await writer.sendStreamData("data: " + body + "\n\n");
    co_await writer.endStream();
    co_return;
  }
  co_await writer.sendResponse(error.http_status, makeResponseHeaders(request, outcome, "application/json"),
                               std::move(body));
}

asio::awaitable<void> PlanExecutor::answerWithError(const ExecutionRequest& request, http::ResponseWriter& writer,
                                                    ExecutionOutcome& outcome, const UpstreamError& error,
                                                    const std::vector<std::string>& tried) {
  const auto client_error = finalClientError(error, outcome.deployment, tried);
  outcome.status = client_error.status;
  outcome.error_message = client_error.message;

  // Keep-alive comments already committed a 200 stream: the error can only go in-band now.
  if (writer.headersSent()) {
    co_await writer.sendStreamData("data: " + client_error.body() + "\n\n");
    co_await writer.endStream();
    co_return;
  }

  auto headers = makeResponseHeaders(request, outcome, "application/json");
  if (!client_error.retry_after.empty()) headers.emplace_back("retry-after", client_error.retry_after);
  co_await writer.sendResponse(client_error.status, std::move(headers), client_error.body());
}

}  // namespace pointsman::upstream
