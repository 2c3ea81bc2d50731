// Fan-out: the request goes to every deployment of the route at once. The route's mode picks the
// answer: the first success (a race, like a hedge without the wait), every answer merged into one
// response with a choice per deployment, or the answer a judge deployment rates best.

#include <pointsman/upstream/plan_executor.hpp>

#include "upstream/attempt.hpp"
#include "upstream/attempt_group.hpp"

#include <pointsman/api/api_error.hpp>
#include <pointsman/api/chat_text.hpp>
#include <pointsman/upstream/buffered_writer.hpp>
#include <pointsman/upstream/failure_policy.hpp>
#include <pointsman/upstream/race_writer.hpp>

#include <boost/asio/this_coro.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <regex>

namespace pointsman::upstream {
namespace asio = boost::asio;

namespace {

/// One deployment's part in a fan-out.
struct Branch {
  const route::Candidate* candidate = nullptr;
  CancelState cancel;
  ExecutionOutcome outcome;
  std::optional<PlanExecutor::AttemptResult> result;
  BufferedWriter buffer;
  std::optional<RaceWriter> racer;

  [[nodiscard]] bool answered() const { return buffer.answered() && buffer.status() == 200; }
};

std::string judgeRequestBody(const config::FanOutConfig& fan_out, const std::string& client_body,
                             const std::vector<const Branch*>& answers) {
  const auto request = nlohmann::json::parse(client_body, nullptr, false);
  std::string prompt = "Request:\n" + api::lastUserText(request) + "\n";
  for (std::size_t i = 0; i < answers.size(); ++i) {
    prompt += "\nAnswer " + std::to_string(i + 1) + ":\n" + api::completionText(answers[i]->buffer.body()) + "\n";
  }
  nlohmann::json judge = {{"model", "judge"},
                          {"messages", {{{"role", "system"}, {"content", fan_out.judge_prompt}},
                                        {{"role", "user"}, {"content", prompt}}}},
                          {"max_tokens", 16},
                          {"temperature", 0}};
  return judge.dump();
}

/// The answer number the judge gave, from 1; nothing when its reply names none in range.
std::optional<std::size_t> judgeChoice(const std::string& judge_body, std::size_t answers) {
  static const std::regex kNumber("[0-9]+");
  const auto text = api::completionText(judge_body);
  std::smatch match;
  if (!std::regex_search(text, match, kNumber)) return std::nullopt;
  const auto number = std::stoul(match.str());
  if (number < 1 || number > answers) return std::nullopt;
  return number - 1;
}

/// One response with the choices of every answer, renumbered, each naming its deployment, and
/// the usage summed.
std::string mergeAnswers(const std::vector<const Branch*>& answers, const std::string& requested_model) {
  nlohmann::json merged = nlohmann::json::parse(answers.front()->buffer.body(), nullptr, false);
  nlohmann::json choices = nlohmann::json::array();
  nlohmann::json usage = {{"prompt_tokens", 0}, {"completion_tokens", 0}, {"total_tokens", 0}};
  for (const auto* branch : answers) {
    const auto answer = nlohmann::json::parse(branch->buffer.body(), nullptr, false);
    for (auto choice : answer.value("choices", nlohmann::json::array())) {
      choice["index"] = choices.size();
      choice["deployment"] = branch->candidate->deployment->name;
      choices.push_back(std::move(choice));
    }
    const auto answer_usage = answer.value("usage", nlohmann::json::object());
    for (const char* field : {"prompt_tokens", "completion_tokens", "total_tokens"}) {
      usage[field] = usage[field].get<std::int64_t>() + answer_usage.value(field, std::int64_t{0});
    }
  }
  merged["choices"] = std::move(choices);
  merged["usage"] = std::move(usage);
  merged["model"] = requested_model;
  return merged.dump();
}

}  // namespace

asio::awaitable<ExecutionOutcome> PlanExecutor::executeFanOut(const ExecutionRequest& request,
                                                              http::ResponseWriter& writer) {
  const auto& fan_out = *request.fan_out;
  const auto& route = request.plan->route;
  ExecutionOutcome outcome;
  if (request.stream && fan_out.mode != config::FanOutMode::FirstSuccess) {
    const auto error = api::ApiError::invalidRequest(
        "Route `" + route + "` merges or judges several answers, so it does not stream; send stream: false.",
        "stream", "stream_not_supported");
    outcome.status = error.status;
    outcome.error_message = error.message;
    co_await writer.sendResponse(error.status, makeResponseHeaders(request, outcome, "application/json"), error.body());
    co_return outcome;
  }

  // A deque keeps each branch at its address while the racers point into it.
  std::deque<Branch> branches;
  Race race;
  for (const auto& candidate : request.plan->candidates) {
    auto& branch = branches.emplace_back();
    branch.candidate = &candidate;
    branch.outcome.deployment = candidate.deployment->name;
    if (fan_out.mode == config::FanOutMode::FirstSuccess) branch.racer.emplace(writer, race, branch.cancel);
  }
  CancelState cancel;
  writer.setDisconnectHandler([&cancel, &branches] {
    cancel.cancel();
    for (auto& branch : branches) branch.cancel.cancel();
  });

  LimitRefusals refusals;
  AttemptGroup group(co_await asio::this_coro::executor);
  for (auto& branch : branches) {
    http::ResponseWriter& branch_writer = branch.racer ? static_cast<http::ResponseWriter&>(*branch.racer) : branch.buffer;
    group.spawn(runRacer(request, branch_writer, branch.outcome, *branch.candidate, branch.cancel, true, refusals,
                         branch.result));
  }
  co_await group.waitForAll();
  writer.setDisconnectHandler([&cancel] { cancel.cancel(); });

  std::vector<const Branch*> answers;
  std::optional<UpstreamError> last_error;
  std::vector<std::string> tried;
  for (std::size_t i = 0; i < branches.size(); ++i) {
    auto& branch = branches[i];
    for (auto& attempt : branch.outcome.attempts) outcome.attempts.push_back(attempt);
    outcome.upstream_wait_seconds += branch.outcome.upstream_wait_seconds;
    if (!branch.result) continue;
    tried.push_back(branch.candidate->deployment->name);
    const bool won = race.winner() == std::optional<std::size_t>(i);
    const bool ok = won || (!branch.result->error && branch.answered());
    metrics_.fan_out_answers.labels({route, branch.candidate->deployment->name, ok ? "ok" : "failed"}).increment();
    if (ok) answers.push_back(&branch);
    if (branch.result->error && branch.result->error->kind != UpstreamErrorKind::Cancelled) {
      recordFailure(request, outcome, *branch.candidate, *branch.result->error);
      last_error = branch.result->error;
    }
  }
  addFlag(outcome.flags, "FO");

  if (cancel.cancelled || writer.clientGone()) {
    outcome.client_gone = true;
    outcome.status = 499;
    addFlag(outcome.flags, "CD");
    co_return outcome;
  }

  std::string answered;
  for (const auto* branch : answers) answered += (answered.empty() ? "" : ",") + branch->candidate->deployment->name;
  outcome.strategy_trace = "answered=" + (answered.empty() ? std::string("none") : answered);

  if (answers.empty()) {
    if (!last_error) {
      co_await answerLimitsReached(request, writer, outcome, refusals);
      co_return outcome;
    }
    spdlog::error("req={} route={} fan-out: every deployment failed; last error: {}", request.request_id, route,
                  last_error->detail);
    addFlag(outcome.flags, "RX");
    outcome.deployment = tried.back();
    co_await answerWithError(request, writer, outcome, *last_error, tried);
    co_return outcome;
  }

  if (fan_out.mode == config::FanOutMode::FirstSuccess) {
    // The winner already wrote its answer through the race.
    const auto& winner = branches[*race.winner()];
    outcome.status = winner.outcome.status;
    outcome.deployment = winner.candidate->deployment->name;
    outcome.usage = winner.outcome.usage;
    outcome.time_to_first_token_seconds = winner.outcome.time_to_first_token_seconds;
    outcome.upstream_request_id = winner.outcome.upstream_request_id;
    outcome.strategy_trace += " chosen=" + outcome.deployment;
    metrics_.fan_out_answers.labels({route, outcome.deployment, "chosen"}).increment();
    co_return outcome;
  }

  std::string body;
  if (fan_out.mode == config::FanOutMode::All) {
    body = mergeAnswers(answers, request.plan->requested_model);
    outcome.deployment = answered;
    outcome.strategy_trace += " chosen=all";
  } else {
    std::size_t chosen = 0;
    std::string judge_note = " judge_failed";
    if (request.fan_out_judge && answers.size() > 1) {
      const auto judge_body = judgeRequestBody(fan_out, *request.body, answers);
      auto judge_request = request;
      judge_request.body = &judge_body;
      judge_request.stream = false;
      judge_request.fan_out = nullptr;
      BufferedWriter judge_writer;
      ExecutionOutcome judge_outcome;
      CancelState judge_cancel;
      auto verdict = co_await runAttempt(judge_request, judge_writer, judge_outcome, *request.fan_out_judge, judge_cancel);
      for (auto& attempt : judge_outcome.attempts) outcome.attempts.push_back(attempt);
      const auto picked = !verdict.error && judge_writer.answered() ? judgeChoice(judge_writer.body(), answers.size())
                                                                    : std::nullopt;
      if (picked) {
        chosen = *picked;
        judge_note = " judge=" + request.fan_out_judge->deployment->name;
      } else {
        spdlog::warn("req={} route={} judge deployment={} gave no usable verdict; returning the first answer",
                     request.request_id, route, request.fan_out_judge->deployment->name);
      }
    } else if (answers.size() == 1) {
      judge_note = " judge=skipped_single_answer";
    }
    const auto* branch = answers[chosen];
    body = branch->buffer.body();
    outcome.deployment = branch->candidate->deployment->name;
    outcome.usage = branch->outcome.usage;
    outcome.strategy_trace += " chosen=" + outcome.deployment + judge_note;
    metrics_.fan_out_answers.labels({route, outcome.deployment, "chosen"}).increment();
  }

  outcome.status = 200;
  auto headers = makeResponseHeaders(request, outcome, "application/json");
  headers.emplace_back("x-pointsman-fan-out", outcome.strategy_trace);
  if (!co_await writer.sendResponse(200, std::move(headers), std::move(body))) {
    outcome.client_gone = true;
    outcome.status = 499;
  }
  co_return outcome;
}

}  // namespace pointsman::upstream
