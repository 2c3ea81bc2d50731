// Cascades (FrugalGPT): the cheaper deployments answer first, and an answer is returned only when
// the plan's acceptance function takes it; otherwise the next deployment is asked. A client that
// asked to stream still gets a stream: each held answer is replayed as events once accepted.

#include <pointsman/upstream/plan_executor.hpp>

#include "upstream/attempt.hpp"

#include <pointsman/api/chat_text.hpp>
#include <pointsman/api/completion_stream.hpp>
#include <pointsman/upstream/buffered_writer.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <regex>

namespace pointsman::upstream {
namespace asio = boost::asio;

namespace {

/// Sends a held answer to the client, as JSON or replayed as a stream.
asio::awaitable<bool> deliverHeld(const ExecutionRequest& request, http::ResponseWriter& writer,
                                  const ExecutionOutcome& outcome, const std::string& body) {
  if (!request.stream) {
    auto headers = makeResponseHeaders(request, outcome, "application/json");
    headers.emplace_back("x-pointsman-cascade", outcome.strategy_trace);
    co_return co_await writer.sendResponse(200, std::move(headers), body);
  }

  const auto events = api::completionAsEventStream(body, api::asksForStreamUsage(*request.body));
  auto headers = makeResponseHeaders(request, outcome, "text/event-stream");
  headers.emplace_back("cache-control", "no-cache");
  headers.emplace_back("x-pointsman-cascade", outcome.strategy_trace);
  if (!co_await writer.startStream(200, std::move(headers))) co_return false;
  if (!co_await writer.sendStreamData(events.value_or("data: [DONE]\n\n"))) co_return false;
  co_return co_await writer.endStream();
}

void addStep(std::string& trace, const std::string& deployment, std::string_view what) {
  if (!trace.empty()) trace += ' ';
  trace += deployment;
  trace += ':';
  trace += what;
}

std::string verifierRequestBody(const std::string& client_body, const std::string& answer_body) {
  const auto question = api::lastUserText(nlohmann::json::parse(client_body, nullptr, false));
  const auto text = api::completionText(answer_body);
  const nlohmann::json verify = {
      {"model", "verifier"},
      {"messages",
       {{{"role", "system"},
         {"content", "Grade how well the answer solves the request, from 0 (useless or wrong) to 10 (fully correct "
                     "and complete). Reply with the number only."}},
        {{"role", "user"}, {"content", "Request:\n" + question + "\n\nAnswer:\n" + text}}}},
      {"max_tokens", 8},
      {"temperature", 0}};
  return verify.dump();
}

/// Returns the first number in the verifier's reply, scaled from 0–10 to [0, 1].
std::optional<double> gradeFrom(const std::string& verifier_body) {
  static const std::regex kNumber("[0-9]+(\\.[0-9]+)?");
  const auto text = api::completionText(verifier_body);
  std::smatch match;
  if (!std::regex_search(text, match, kNumber)) return std::nullopt;
  const double grade = std::stod(match.str());
  if (grade < 0 || grade > 10) return std::nullopt;
  return grade / 10.0;
}

}  // namespace

asio::awaitable<std::optional<double>> PlanExecutor::verifierGrade(const ExecutionRequest& request,
                                                                   ExecutionOutcome& outcome,
                                                                   const std::string& answer_body) {
  const auto body = verifierRequestBody(*request.body, answer_body);
  ExecutionRequest verify_request = request;
  verify_request.body = &body;
  verify_request.stream = false;
  BufferedWriter verdict;
  ExecutionOutcome verify_outcome;
  CancelState cancel;
  const auto result = co_await runAttempt(verify_request, verdict, verify_outcome, *request.cascade_verifier, cancel);
  for (auto& attempt : verify_outcome.attempts) outcome.attempts.push_back(attempt);
  if (result.error || !verdict.answered() || verdict.status() != 200) {
    spdlog::warn("req={} cascade verifier deployment={} failed", request.request_id,
                 request.cascade_verifier->deployment->name);
    co_return std::nullopt;
  }
  co_return gradeFrom(verdict.body());
}

asio::awaitable<ExecutionOutcome> PlanExecutor::executeCascade(const ExecutionRequest& request,
                                                               http::ResponseWriter& writer) {
  ExecutionOutcome outcome;
  CancelState cancel;
  writer.setDisconnectHandler([&cancel] { cancel.cancel(); });
  const auto& candidates = request.plan->candidates;

  // Every step before the last is held whole, so its upstream request does not stream.
  const auto unstreamed_body = request.stream ? api::withoutStreaming(*request.body) : std::nullopt;
  ExecutionRequest step_request = request;
  step_request.stream = false;
  if (unstreamed_body) step_request.body = &*unstreamed_body;

  LimitRefusals refusals;
  std::optional<UpstreamError> last_error;
  std::optional<std::pair<std::string, std::string>> last_rejected;  // deployment, body
  for (std::size_t step = 0; step + 1 < candidates.size() && !cancel.cancelled; ++step) {
    const auto& candidate = candidates[step];
    const auto& name = candidate.deployment->name;
    BufferedWriter held;
    auto result = co_await guardedAttempt(step_request, held, outcome, candidate, cancel, true, refusals);
    if (!result) {
      addStep(outcome.strategy_trace, name, "skipped");
      continue;
    }
    if (result->error || !held.answered() || held.status() != 200) {
      if (result->error) {
        recordFailure(request, outcome, candidate, *result->error);
        last_error = result->error;
      }
      addStep(outcome.strategy_trace, name, "failed");
      continue;
    }

    auto reason = request.accept_answer(held.body(), name);
    if (!reason && request.cascade_verifier) {
      const auto grade = co_await verifierGrade(request, outcome, held.body());
      if (!grade) {
        reason = "verifier gave no grade";
      } else if (*grade < request.verifier_min_score) {
        reason = "verifier=" + std::to_string(static_cast<int>(*grade * 10 + 0.5)) + "/10";
      }
    }
    if (!reason) {
      addStep(outcome.strategy_trace, name, "accepted");
      outcome.status = 200;
      if (!co_await deliverHeld(request, writer, outcome, held.body())) {
        outcome.client_gone = true;
        outcome.status = 499;
      }
      co_return outcome;
    }
    spdlog::info("req={} cascade: deployment={} answer rejected ({}); escalating", request.request_id, name, *reason);
    addStep(outcome.strategy_trace, name, "rejected(" + *reason + ")");
    addFlag(outcome.flags, "CE");
    last_rejected.emplace(name, held.body());
  }

  if (cancel.cancelled) {
    outcome.client_gone = true;
    outcome.status = 499;
    co_return outcome;
  }

  // The last step has nothing to escalate to, so its answer goes to the client as it comes,
  // streamed when the client asked.
  const auto& last = candidates.back();
  addStep(outcome.strategy_trace, last.deployment->name, "answered");
  ExecutionRequest last_request = request;
  last_request.response_headers.emplace_back("x-pointsman-cascade", outcome.strategy_trace);
  auto result = co_await guardedAttempt(last_request, writer, outcome, last, cancel, true, refusals);
  if (result && (!result->error || result->committed)) co_return outcome;

  if (result && result->error) {
    recordFailure(request, outcome, last, *result->error);
    last_error = result->error;
  }
  if (last_rejected && !cancel.cancelled) {
    // A rejected answer is still better than an error: the client gets the last one.
    constexpr std::string_view kAnswered = ":answered";
    if (outcome.strategy_trace.ends_with(kAnswered)) {
      outcome.strategy_trace.replace(outcome.strategy_trace.size() - kAnswered.size(), kAnswered.size(), ":failed");
    }
    outcome.strategy_trace += " returned=" + last_rejected->first;
    outcome.deployment = last_rejected->first;
    outcome.status = 200;
    if (!co_await deliverHeld(request, writer, outcome, last_rejected->second)) outcome.status = 499;
    co_return outcome;
  }
  if (!last_error) {
    co_await answerLimitsReached(request, writer, outcome, refusals);
    co_return outcome;
  }
  addFlag(outcome.flags, "RX");
  std::vector<std::string> tried;
  for (const auto& candidate : candidates) tried.push_back(candidate.deployment->name);
  co_await answerWithError(request, writer, outcome, *last_error, tried);
  co_return outcome;
}

}  // namespace pointsman::upstream
