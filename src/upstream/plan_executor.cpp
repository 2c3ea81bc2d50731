#include <pointsman/upstream/plan_executor.hpp>

#include "upstream/attempt.hpp"

#include <pointsman/api/stream_event.hpp>
#include <pointsman/http/error_body.hpp>
#include <pointsman/upstream/failure_policy.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace pointsman::upstream {
namespace asio = boost::asio;

namespace {

void addFlag(std::string& flags, std::string_view flag) {
  if (flag.empty() || flags.find(flag) != std::string::npos) return;
  if (!flags.empty()) flags += ',';
  flags += flag;
}

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

}  // namespace

PlanExecutor::PlanExecutor(http::ConnectionPool& pool, telemetry::GatewayMetrics& metrics)
    : pool_(pool), metrics_(metrics) {}

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

  std::vector<std::string> tried;
  std::optional<UpstreamError> last_error;
  const auto& candidates = request.plan->candidates;

  for (std::size_t index = 0; index < candidates.size() && !cancel.cancelled; ++index) {
    const auto& candidate = candidates[index];
    outcome.deployment = candidate.deployment->name;
    tried.push_back(candidate.deployment->name);
    outcome.attempts.push_back({candidate.deployment->name, "", 0});

    const auto url = http::parseUrl(candidate.provider->base_url);
    UpstreamCall call(pool_, *candidate.provider, http::UpstreamEndpoint{*url, candidate.provider->ca_file}, cancel);
    Attempt attempt{request, writer, outcome, candidate, call, buildUpstreamRequest(request, candidate, *url)};

    // GCC 12 miscompiles co_await inside ?:, && and ||, so every co_await here is a statement.
    std::optional<UpstreamError> error;
    if (request.stream) {
      error = co_await runStream(attempt);
    } else {
      error = co_await runNonStream(attempt);
    }
    outcome.upstream_wait_seconds += call.upstreamWaitSeconds();

    const std::string outcome_name = error ? std::string(outcomeName(*error)) : "ok";
    outcome.attempts.back().outcome = outcome_name;
    metrics_.upstream_attempts.labels({candidate.deployment->name, outcome_name}).increment();
    if (!error) co_return outcome;

    addFlag(outcome.flags, accessFlag(*error));
    if (const auto phase = timeoutPhase(error->kind); !phase.empty()) {
      metrics_.upstream_timeouts.labels({candidate.deployment->name, std::string(phase)}).increment();
    }

    const auto verdict = classifyFailure(*error);
    if (verdict == FailureVerdict::Stop || cancel.cancelled) break;
    if (verdict == FailureVerdict::ReturnToClient) {
      co_await returnUpstreamError(attempt, *error);
      co_return outcome;
    }
    if (attempt.committed) co_return outcome;  // the stream already ended with an error event

    last_error = std::move(error);
    if (index + 1 < candidates.size()) {
      const auto& next = candidates[index + 1].deployment->name;
      spdlog::warn("req={} attempt {} at deployment={} provider={} failed: {} ({}); failing over to {}",
                   request.request_id, outcome.attempts.size(), candidate.deployment->name,
                   candidate.provider->name, last_error->detail, outcomeName(*last_error), next);
      metrics_.failovers.labels({candidate.deployment->name, next, outcome_name}).increment();
    } else {
      spdlog::error("req={} attempt {} at deployment={} provider={} failed: {} ({}); no deployment left",
                    request.request_id, outcome.attempts.size(), candidate.deployment->name,
                    candidate.provider->name, last_error->detail, outcomeName(*last_error));
    }
  }
  if (cancel.cancelled || writer.clientGone()) {
    outcome.client_gone = true;
    outcome.status = 499;
    addFlag(outcome.flags, "CD");
    co_return outcome;
  }

  addFlag(outcome.flags, "RX");
  co_await answerWithError(request, writer, outcome, *last_error, tried);
  co_return outcome;
}

asio::awaitable<std::optional<UpstreamError>> PlanExecutor::runNonStream(Attempt& attempt) {
  const auto header_deadline =
      std::min(attempt.totalDeadline(), Clock::now() + attempt.timeouts().response_headers);
  if (auto error = co_await attempt.call.send(attempt.message, header_deadline,
                                              UpstreamErrorKind::ResponseHeadersTimeout)) {
    co_return error;
  }

  std::string body;
  const unsigned status = attempt.call.status();
  attempt.outcome.attempts.back().status = status;
  attempt.outcome.upstream_request_id = attempt.call.header("x-request-id");
  if (auto error = co_await attempt.call.readWholeBody(body, attempt.candidate.provider->max_response_bytes,
                                                       attempt.timeouts().idle, attempt.totalDeadline())) {
    co_return error;
  }

  if (status < 200 || status >= 300) {
    auto error = httpStatusError(status, std::move(body), attempt.call.header("content-type"));
    error.retry_after = attempt.call.header("retry-after");
    error.retry_after_ms = attempt.call.header("retry-after-ms");
    attempt.call.release();
    co_return error;
  }

  // A 200 whose body is not JSON is a degraded answer: another deployment may do better.
  const auto body_info = api::inspectResponseBody(body);
  if (!body_info.valid_json) {
    UpstreamError error;
    error.kind = UpstreamErrorKind::Protocol;
    error.detail = "upstream answered 200 with a body that is not JSON";
    co_return error;
  }
  attempt.outcome.usage = body_info.usage;
  attempt.call.release();

  attempt.outcome.status = status;
  if (!co_await attempt.writer.sendResponse(status, attempt.responseHeaders("application/json"), std::move(body))) {
    attempt.outcome.client_gone = true;
    attempt.outcome.status = 499;
  }
  co_return std::nullopt;
}

asio::awaitable<void> PlanExecutor::returnUpstreamError(Attempt& attempt, const UpstreamError& error) {
  // The request's own fault: the client sees the upstream's status and body (type, code, param
  // and message kept). A body that is not an OpenAI error object is wrapped into one.
  std::string body = error.body;
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("error")) {
    body = http::openAiErrorBody(body.empty() ? error.detail : body.substr(0, 2000), "invalid_request_error");
  }
  attempt.outcome.status = error.http_status;
  attempt.outcome.error_message = error.detail;
  attempt.outcome.attempts.back().status = error.http_status;

  if (attempt.writer.headersSent()) {
    co_await attempt.writer.sendStreamData("data: " + body + "\n\n");
    co_await attempt.writer.endStream();
    co_return;
  }
  co_await attempt.writer.sendResponse(error.http_status, attempt.responseHeaders("application/json"),
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
