// Admission before the plan runs and settlement after the answer: the money half of the
// accounting steps.

#include "app/accounting_stage.hpp"

#include <pointsman/accounting/admission_builder.hpp>
#include <pointsman/accounting/cost.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace pointsman::app {
namespace asio = boost::asio;
using accounting::Nanos;

namespace {

/// The charge of a finished request.
struct Charge {
  Nanos cost = 0;
  bool estimated = false;
  std::int64_t tokens = 0;
  /// The estimated counts when there was no usage.
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

const config::Price* priceOf(const config::Config& config, const std::string& deployment) {
  const auto found = config.models.find(deployment);
  return found == config.models.end() ? nullptr : &found->second.price;
}

/// What the gateway relayed of a response that came without usage.
struct RelayedAnswer {
  bool answered = false;
  /// Content events of a stream relayed to the client; 0 for a JSON response.
  std::int64_t stream_events = 0;
};

/// The real cost from the usage. Without usage, a stream that relayed content (cut, or its
/// client gone) is charged the estimated prompt plus one output token per relayed event. Any
/// other answered request is charged its worst case at the deployment that answered, and a
/// request that got no answer costs nothing.
Charge chargeFor(const config::Config& config, const std::string& deployment, const std::optional<api::Usage>& usage,
                 std::int64_t prompt_tokens, std::int64_t max_output_tokens, RelayedAnswer relayed) {
  Charge charge;
  const config::Price* price = priceOf(config, deployment);
  if (price == nullptr) return charge;
  if (usage) {
    const auto tokens = accounting::pricedTokens(*usage, usage->cache_write_tokens);
    charge.cost = accounting::costOf(*price, tokens);
    charge.tokens = usage->prompt_tokens + usage->completion_tokens;
    if (tokens.clamped) {
      spdlog::warn("deployment={} reported inconsistent usage (prompt={} cached={} completion={} reasoning={}); "
                   "the impossible part was priced as zero",
                   deployment, usage->prompt_tokens, usage->cached_prompt_tokens, usage->completion_tokens,
                   usage->reasoning_tokens);
    }
    return charge;
  }
  if (!relayed.answered && relayed.stream_events == 0) return charge;
  const std::int64_t output_tokens = relayed.stream_events > 0 ? relayed.stream_events : max_output_tokens;
  charge.cost = accounting::worstCaseCost(*price, prompt_tokens, output_tokens);
  charge.tokens = prompt_tokens + output_tokens;
  charge.prompt_tokens = prompt_tokens;
  charge.completion_tokens = output_tokens;
  charge.estimated = true;
  return charge;
}

std::string formatReset(std::chrono::milliseconds reset) {
  if (reset.count() < 1000) return fmt::format("{}ms", reset.count());
  return fmt::format("{}s", static_cast<double>(reset.count()) / 1000.0);
}

void addRateHeaders(const accounting::AdmissionResult& result, http::HeaderList& headers) {
  const auto add = [&headers](const accounting::RateSnapshot& snapshot, std::string_view unit) {
    if (!snapshot.present) return;
    headers.emplace_back(fmt::format("x-ratelimit-limit-{}", unit), std::to_string(snapshot.limit));
    headers.emplace_back(fmt::format("x-ratelimit-remaining-{}", unit), std::to_string(snapshot.remaining));
    headers.emplace_back(fmt::format("x-ratelimit-reset-{}", unit), formatReset(snapshot.reset));
  };
  add(result.requests, "requests");
  add(result.tokens, "tokens");
}

api::ApiError rejection(const accounting::AdmissionResult& result, Nanos reserve) {
  using accounting::AdmissionVerdict;
  if (result.verdict == AdmissionVerdict::BudgetExhausted) {
    return {429,
            fmt::format("The budget of {} cannot cover this request's worst-case cost of {} USD in the current period. "
                        "Lower max_tokens, or wait for the budget's next period.",
                        result.rejected_by, accounting::formatUsd(reserve)),
            "insufficient_quota", {}, "budget_exhausted", {}};
  }
  if (result.verdict == AdmissionVerdict::RateLimited) {
    const bool tokens = result.rejected_rate == accounting::RateKind::Tokens;
    const auto seconds = std::max<std::int64_t>(1, (result.retry_after.count() + 999) / 1000);
    return {429,
            fmt::format("Rate limit reached for {} per minute of {}. Retry after {} s.", tokens ? "tokens" : "requests",
                        result.rejected_by, seconds),
            tokens ? "tokens" : "requests", {}, "rate_limit_exceeded", std::to_string(seconds)};
  }
  return {503, "The accounting store is unreachable, so budgets cannot be checked. Retry shortly.", "server_error",
          {}, "accounting_unavailable", "1"};
}

void countRejection(AccountingState& state, const accounting::Principal& principal,
                    const accounting::AdmissionResult& result) {
  using accounting::AdmissionVerdict;
  const std::string tier = principal.tier.empty() ? "(none)" : principal.tier;
  if (result.verdict == AdmissionVerdict::BudgetExhausted) {
    state.metrics.budget_rejections.labels({tier}).increment();
  } else if (result.verdict == AdmissionVerdict::RateLimited) {
    const bool tokens = result.rejected_rate == accounting::RateKind::Tokens;
    state.metrics.rate_limit_rejections.labels({tier, tokens ? "tokens" : "requests"}).increment();
  } else if (result.verdict == AdmissionVerdict::StoreUnavailable) {
    state.metrics.store_failures.labels({state.store_name, "fail_closed"}).increment();
  }
}

std::int64_t maxOutputTokens(const config::Config& config, const accounting::RequestFacts& facts) {
  return facts.max_output_tokens.value_or(config.accounting.default_max_tokens);
}

}  // namespace

void prepareAccounting(const std::shared_ptr<const config::Config>& config, const api::RequestView& view,
                       std::string& body, RequestAccounting& accounting, upstream::ExecutionRequest& execution) {
  accounting.facts = accounting::factsOf(view, body.size());
  const auto prompt_tokens = accounting.facts.estimated_prompt_tokens;
  const auto output_tokens = maxOutputTokens(*config, accounting.facts);
  accounting.estimated_tokens = prompt_tokens + output_tokens;

  if (execution.stream && !accounting.facts.include_usage) {
    body = accounting::withIncludeUsage(body, accounting.facts);
    execution.drop_usage_chunk = true;
  }
  execution.cost_note = [config, prompt_tokens, output_tokens](const std::string& deployment,
                                                               const std::optional<api::Usage>& usage) {
    return accounting::formatUsd(chargeFor(*config, deployment, usage, prompt_tokens, output_tokens, {true, 0}).cost);
  };
}

asio::awaitable<std::optional<api::ApiError>> admit(AccountingState& state, const config::Config& config,
                                                    const route::Plan& plan, RequestAccounting& accounting,
                                                    http::HeaderList& headers) {
  if (accounting.principal == nullptr) co_return std::nullopt;
  const auto prompt_tokens = accounting.facts.estimated_prompt_tokens;
  const auto output_tokens = maxOutputTokens(config, accounting.facts);

  // The reservation covers the dearest candidate, because failover may end there.
  Nanos reserve = 0;
  for (const auto& candidate : plan.candidates) {
    reserve = std::max(reserve, accounting::worstCaseCost(candidate.deployment->price, prompt_tokens, output_tokens));
  }
  accounting.admission = accounting::buildAdmission(*accounting.principal, std::chrono::system_clock::now(),
                                                    accounting.estimated_tokens, reserve);
  if (accounting.admission.budgets.empty() && accounting.admission.rates.empty()) co_return std::nullopt;

  const auto result = co_await state.store->admit(accounting.admission);
  addRateHeaders(result, headers);
  if (result.failed_open) state.metrics.store_failures.labels({state.store_name, "fail_open"}).increment();
  if (result.verdict != accounting::AdmissionVerdict::Admitted) {
    countRejection(state, *accounting.principal, result);
    co_return rejection(result, reserve);
  }
  accounting.reserved = !result.failed_open;
  if (!accounting.admission.budgets.empty()) {
    state.noteBudgetShare(accounting.principal->key_name, result.remaining_budget_share);
  }
  co_return std::nullopt;
}

asio::awaitable<void> settle(AccountingState& state, const config::Config& config, RequestAccounting& accounting,
                             const upstream::ExecutionOutcome& outcome, telemetry::RequestRecord& record) {
  const auto* principal = accounting.principal;
  if (principal != nullptr) {
    record.key_name = principal->key_name;
    record.tier = principal->tier;
  }
  if (outcome.usage) record.reasoning_tokens = outcome.usage->reasoning_tokens;
  if (outcome.deployment.empty()) {
    // No attempt ran: the reservation, if any, goes back whole.
    if (accounting.reserved) co_await state.store->settle(accounting.admission, {0, -accounting.estimated_tokens}, {});
    co_return;
  }

  const RelayedAnswer relayed{outcome.status >= 200 && outcome.status < 300, outcome.relayed_stream_events};
  const auto charge = chargeFor(config, outcome.deployment, outcome.usage, accounting.facts.estimated_prompt_tokens,
                                maxOutputTokens(config, accounting.facts), relayed);
  record.cost_usd = accounting::usdFromNanos(charge.cost);
  record.cost_estimated = charge.estimated;

  const std::string_view route = record.route.empty() ? std::string_view("(direct)") : record.route;
  const std::string_view tier =
      principal == nullptr || principal->tier.empty() ? std::string_view("(none)") : principal->tier;
  state.metrics.cost_usd.labels({outcome.deployment, route, tier}).increment(record.cost_usd);
  if (charge.estimated) state.metrics.estimated_costs.labels({outcome.deployment}).increment();
  if (accounting.reserved && charge.cost > accounting.admission.reserve) {
    state.metrics.reservation_overrun_usd.labels({outcome.deployment})
        .increment(accounting::usdFromNanos(charge.cost - accounting.admission.reserve));
  }

  accounting::SpendEntry entry;
  entry.unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  entry.key_name = principal == nullptr ? "(anonymous)" : principal->key_name;
  entry.team = principal == nullptr ? "" : principal->team;
  entry.tier = principal == nullptr ? "" : principal->tier;
  entry.user = accounting.facts.user;
  entry.route = record.route;
  entry.deployment = outcome.deployment;
  entry.cost = charge.cost;
  entry.prompt_tokens = outcome.usage ? outcome.usage->prompt_tokens : charge.prompt_tokens;
  entry.completion_tokens = outcome.usage ? outcome.usage->completion_tokens : charge.completion_tokens;
  entry.estimated = charge.estimated;

  // Without a reservation only the ledger changes: the admission it settles is empty.
  accounting::AdmissionRequest none;
  const auto& admitted = accounting.reserved ? accounting.admission : none;
  const accounting::Settlement settlement{charge.cost, charge.tokens - accounting.estimated_tokens};
  co_await state.store->settle(admitted, settlement, entry);
}

}  // namespace pointsman::app
