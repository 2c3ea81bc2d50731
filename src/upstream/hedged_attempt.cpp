// Hedged requests: when the first attempt has not answered after a delay, a second attempt
// starts at the next deployment. The first to write to the client wins and the other is
// cancelled. The route's hedge budget bounds the extra upstream calls.

#include <pointsman/upstream/plan_executor.hpp>

#include "upstream/attempt.hpp"
#include "upstream/attempt_group.hpp"

#include <pointsman/upstream/race_writer.hpp>

#include <boost/asio/this_coro.hpp>

#include <spdlog/spdlog.h>

namespace pointsman::upstream {
namespace asio = boost::asio;

namespace {

/// Folds the hedge's own attempts and, when it won, its answer into the request's outcome.
void mergeHedgeOutcome(ExecutionOutcome& outcome, ExecutionOutcome&& hedge, std::size_t seeded_attempts, bool hedge_won) {
  for (std::size_t i = seeded_attempts; i < hedge.attempts.size(); ++i) outcome.attempts.push_back(hedge.attempts[i]);
  outcome.upstream_wait_seconds += hedge.upstream_wait_seconds;
  for (std::size_t start = 0; start < hedge.flags.size();) {
    const auto end = std::min(hedge.flags.find(',', start), hedge.flags.size());
    addFlag(outcome.flags, std::string_view(hedge.flags).substr(start, end - start));
    start = end + 1;
  }
  if (!hedge_won) return;
  outcome.status = hedge.status;
  outcome.deployment = std::move(hedge.deployment);
  outcome.usage = hedge.usage;
  outcome.time_to_first_token_seconds = hedge.time_to_first_token_seconds;
  outcome.upstream_request_id = std::move(hedge.upstream_request_id);
  outcome.client_gone = hedge.client_gone;
}

}  // namespace

std::optional<std::chrono::milliseconds> PlanExecutor::hedgeDelay(const ExecutionRequest& request,
                                                                  const route::Candidate& primary) const {
  if (!request.hedge) return std::nullopt;
  if (!request.hedge->after_p95) return request.hedge->after;

  // Without enough recent samples there is no p95 to trust, so the request is not hedged.
  auto* load = request.breakers ? request.breakers->load(primary.deployment->name) : nullptr;
  const auto p95 = load ? load->timeToFirstTokenP95Ms() : std::nullopt;
  if (!p95) return std::nullopt;
  const auto delay = std::chrono::milliseconds(static_cast<long long>(*p95 + 0.5));
  return std::max(delay, request.hedge->min_after);
}

asio::awaitable<PlanExecutor::HedgeRound> PlanExecutor::runHedged(const ExecutionRequest& request,
                                                                 http::ResponseWriter& writer,
                                                                 ExecutionOutcome& outcome,
                                                                 const route::Candidate& primary,
                                                                 const route::Candidate& secondary,
                                                                 CancelState& cancel, std::chrono::milliseconds delay,
                                                                 LimitRefusals& refusals) {
  Race race;
  CancelState primary_cancel;
  CancelState secondary_cancel;
  RaceWriter primary_writer(writer, race, primary_cancel);
  RaceWriter secondary_writer(writer, race, secondary_cancel);
  // A client that leaves stops both racers, and the request sees it through `cancel`.
  writer.setDisconnectHandler([&cancel, &race] {
    cancel.cancel();
    race.cancelAll();
  });

  ExecutionOutcome hedge_outcome;
  hedge_outcome.attempts = outcome.attempts;
  const auto seeded_attempts = hedge_outcome.attempts.size();
  std::optional<AttemptResult> primary_result;
  std::optional<AttemptResult> secondary_result;
  AttemptGroup group(co_await asio::this_coro::executor);
  group.spawn(runRacer(request, primary_writer, outcome, primary, primary_cancel, true, refusals, primary_result));

  co_await group.waitUntil([&group] { return group.finished() > 0; }, Clock::now() + delay);
  const auto& route = request.plan->route;
  if (group.finished() == 0 && !cancel.cancelled) {
    if (request.hedge_budget && !request.hedge_budget->tryHedge()) {
      metrics_.hedges.labels({route, "no_budget"}).increment();
    } else {
      spdlog::info("req={} deployment={} has not answered after {} ms; hedging at deployment={}", request.request_id,
                   primary.deployment->name, delay.count(), secondary.deployment->name);
      metrics_.hedges.labels({route, "started"}).increment();
      addFlag(outcome.flags, "HG");
      group.spawn(runRacer(request, secondary_writer, hedge_outcome, secondary, secondary_cancel, false, refusals,
                           secondary_result));
    }
  }
  co_await group.waitForAll();
  writer.setDisconnectHandler([&cancel] { cancel.cancel(); });

  HedgeRound round;
  round.primary = std::move(primary_result);
  round.secondary = std::move(secondary_result);
  round.secondary_won = race.winner() == std::optional<std::size_t>(1);
  if (round.secondary) {
    if (round.secondary_won) {
      metrics_.hedges.labels({route, "won"}).increment();
      addFlag(outcome.flags, "HW");
    }
    mergeHedgeOutcome(outcome, std::move(hedge_outcome), seeded_attempts, round.secondary_won);
  }
  // The race cancelled the loser, which is the hedge working, not the client leaving.
  if (round.primary && round.secondary_won) round.primary->error.reset();
  co_return round;
}

}  // namespace pointsman::upstream
