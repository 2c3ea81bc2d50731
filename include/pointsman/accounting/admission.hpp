#pragma once

#include <pointsman/accounting/money.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace pointsman::accounting {

/// One budget a request counts against, in the current period.
struct BudgetLimit {
  /// Store key of the period's counter, e.g. "budget:key:acme:day:2026-12-05".
  std::string scope;
  /// For messages and metrics: "key acme", "team research".
  std::string owner;
  Nanos limit = 0;
  /// How long the counter must outlive its period; zero for a budget that never resets.
  std::chrono::seconds ttl{0};
};

enum class RateKind { Requests, Tokens };

/// One rate limit a request counts against.
struct RateLimit {
  /// Store key of the limit's state, e.g. "rate:key:acme:rpm".
  std::string scope;
  std::string owner;
  RateKind kind = RateKind::Requests;
  std::int64_t per_minute = 0;
  /// Units this request takes: 1 for requests, the estimated tokens for tokens.
  std::int64_t amount = 0;
};

/// Everything one admission checks and takes at once: all of it, or nothing.
struct AdmissionRequest {
  std::vector<BudgetLimit> budgets;
  std::vector<RateLimit> rates;
  /// The worst-case cost reserved on every budget.
  Nanos reserve = 0;
};

/// Rate-limit state for the `x-ratelimit-*` response headers.
struct RateSnapshot {
  bool present = false;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;
  std::chrono::milliseconds reset{0};
};

enum class AdmissionVerdict { Admitted, BudgetExhausted, RateLimited, StoreUnavailable };

struct AdmissionResult {
  AdmissionVerdict verdict = AdmissionVerdict::Admitted;
  /// For a rejection: the owner of the limit that did not fit, e.g. "key acme".
  std::string rejected_by;
  RateKind rejected_rate = RateKind::Requests;
  /// For a rejection: when the request could fit again; zero when unknown.
  std::chrono::milliseconds retry_after{0};
  /// The first request limit and the first token limit checked, after this admission.
  RateSnapshot requests;
  RateSnapshot tokens;
  /// The smallest share of a budget left after the reservation, in [0, 1]; 1 without budgets.
  double remaining_budget_share = 1.0;
  /// The store was unreachable and `fail_open` let the request through unchecked.
  bool failed_open = false;
};

/// What a finished request is charged: the real cost replaces the reservation.
struct Settlement {
  /// Real cost, or the estimate when the upstream gave no usage; zero after a failure before any
  /// tokens were produced.
  Nanos cost = 0;
  /// Real tokens minus the tokens that TPM limits were charged at admission.
  std::int64_t token_correction = 0;
};

/// One settled request as the spend ledger aggregates it (by UTC hour, key, user, route and
/// deployment).
struct SpendEntry {
  std::int64_t unix_seconds = 0;
  std::string key_name;
  std::string team;
  std::string tier;
  std::string user;
  std::string route;
  std::string deployment;
  Nanos cost = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  bool estimated = false;
};

/// A row of the spend report: the sums of the entries that share these names.
struct SpendRow {
  std::string key_name;
  std::string team;
  std::string user;
  std::string route;
  std::string deployment;
  std::int64_t requests = 0;
  Nanos cost = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

}  // namespace pointsman::accounting
