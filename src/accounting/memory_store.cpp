#include <pointsman/accounting/memory_store.hpp>

#include <pointsman/accounting/gcra.hpp>

#include <algorithm>
#include <array>

namespace pointsman::accounting {
namespace {

std::int64_t microsSinceEpoch(MemoryStore::Clock::time_point now) {
  return std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
}

std::chrono::milliseconds roundUpToMillis(std::int64_t micros) {
  return std::chrono::milliseconds((micros + 999) / 1000);
}

void noteRate(AdmissionResult& result, const RateLimit& rate, const GcraDecision& decision) {
  auto& snapshot = rate.kind == RateKind::Requests ? result.requests : result.tokens;
  if (snapshot.present) return;
  snapshot.present = true;
  snapshot.limit = rate.per_minute;
  snapshot.remaining = decision.remaining;
  snapshot.reset = roundUpToMillis(decision.reset_us);
}

}  // namespace

AdmissionResult MemoryStore::admitNow(const AdmissionRequest& request, Clock::time_point now) {
  AdmissionResult result;
  const std::int64_t now_us = microsSinceEpoch(now);
  // buildAdmission adds at most four rate limits (RPM and TPM of the key and of its tier), so
  // a fixed array keeps the locked section free of allocation.
  constexpr std::size_t kMaxRates = 8;
  std::array<std::int64_t, kMaxRates> new_arrivals{};
  const std::size_t rate_count = std::min(request.rates.size(), kMaxRates);

  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < rate_count; ++i) {
    const auto& rate = request.rates[i];
    const auto stored = arrival_times_us_.find(rate.scope);
    const std::int64_t arrival = stored == arrival_times_us_.end() ? 0 : stored->second;
    const auto decision = gcraCheck(arrival, now_us, rate.per_minute, rate.amount);
    noteRate(result, rate, decision);
    if (!decision.allowed) {
      result.verdict = AdmissionVerdict::RateLimited;
      result.rejected_by = rate.owner;
      result.rejected_rate = rate.kind;
      result.retry_after = roundUpToMillis(decision.retry_after_us);
      return result;
    }
    new_arrivals[i] = decision.new_tat_us;
  }
  for (const auto& budget : request.budgets) {
    const auto stored = counters_.find(budget.scope);
    const Nanos spent = stored == counters_.end() ? 0 : stored->second;
    if (spent + request.reserve > budget.limit) {
      result.verdict = AdmissionVerdict::BudgetExhausted;
      result.rejected_by = budget.owner;
      result.remaining_budget_share = 0;
      return result;
    }
  }

  for (std::size_t i = 0; i < rate_count; ++i) arrival_times_us_[request.rates[i].scope] = new_arrivals[i];
  for (const auto& budget : request.budgets) {
    const Nanos counter = counters_[budget.scope] += request.reserve;
    const double share = static_cast<double>(budget.limit - counter) / static_cast<double>(budget.limit);
    result.remaining_budget_share = std::clamp(std::min(result.remaining_budget_share, share), 0.0, 1.0);
  }
  return result;
}

void MemoryStore::settleNow(const AdmissionRequest& admitted, const Settlement& settlement, const SpendEntry& entry,
                            Clock::time_point now) {
  const std::int64_t now_us = microsSinceEpoch(now);

  std::lock_guard lock(mutex_);
  for (const auto& budget : admitted.budgets) counters_[budget.scope] += settlement.cost - admitted.reserve;
  for (const auto& rate : admitted.rates) {
    if (rate.kind != RateKind::Tokens || settlement.token_correction == 0) continue;
    auto& arrival = arrival_times_us_[rate.scope];
    arrival = gcraAdjust(arrival, now_us, rate.per_minute, settlement.token_correction);
  }
  if (!entry.key_name.empty()) {
    const std::int64_t hour_unix = entry.unix_seconds - entry.unix_seconds % 3600;
    addToLedger({hour_unix, entry.key_name, entry.team, entry.user, entry.route, entry.deployment}, 1, entry.cost,
                entry.prompt_tokens, entry.completion_tokens);
  }
}

void MemoryStore::addToLedger(LedgerKeyView key, std::int64_t requests, Nanos cost, std::int64_t prompt_tokens,
                              std::int64_t completion_tokens) {
  auto found = ledger_.find(key);
  if (found == ledger_.end() && ledger_.size() >= kMaxLedgerRows) {
    std::get<3>(key) = "(other)";
    found = ledger_.find(key);
  }
  if (found == ledger_.end()) {
    const auto& [hour_unix, key_name, team, user, route, deployment] = key;
    SpendRow row{std::string(key_name), std::string(team), std::string(user), std::string(route),
                 std::string(deployment)};
    LedgerKey owned{hour_unix, row.key_name, row.team, row.user, row.route, row.deployment};
    found = ledger_.emplace(std::move(owned), std::move(row)).first;
  }

  auto& sum = found->second;
  sum.requests += requests;
  sum.cost += cost;
  sum.prompt_tokens += prompt_tokens;
  sum.completion_tokens += completion_tokens;
}

std::vector<SpendRow> MemoryStore::spendNow(std::int64_t from_unix, std::int64_t to_unix) const {
  std::vector<SpendRow> rows;
  std::lock_guard lock(mutex_);
  for (const auto& [key, row] : ledger_) {
    const auto hour = std::get<0>(key);
    if (hour >= from_unix && hour < to_unix) rows.push_back(row);
  }
  return rows;
}

Nanos MemoryStore::counterNow(const std::string& scope) const {
  std::lock_guard lock(mutex_);
  const auto found = counters_.find(scope);
  return found == counters_.end() ? 0 : found->second;
}

void MemoryStore::restoreCounter(const std::string& scope, Nanos value) {
  std::lock_guard lock(mutex_);
  counters_[scope] = value;
}

void MemoryStore::restoreSpend(std::int64_t hour_unix, const SpendRow& row) {
  std::lock_guard lock(mutex_);
  addToLedger({hour_unix, row.key_name, row.team, row.user, row.route, row.deployment}, row.requests, row.cost,
              row.prompt_tokens, row.completion_tokens);
}

boost::asio::awaitable<AdmissionResult> MemoryStore::admit(const AdmissionRequest& request) {
  co_return admitNow(request);
}

boost::asio::awaitable<void> MemoryStore::settle(const AdmissionRequest& admitted, const Settlement& settlement,
                                                 const SpendEntry& entry) {
  settleNow(admitted, settlement, entry);
  co_return;
}

boost::asio::awaitable<std::vector<SpendRow>> MemoryStore::spend(std::int64_t from_unix, std::int64_t to_unix) {
  co_return spendNow(from_unix, to_unix);
}

boost::asio::awaitable<Nanos> MemoryStore::counter(const std::string& scope) { co_return counterNow(scope); }

boost::asio::awaitable<bool> MemoryStore::saveKey(const StoredKey&) { co_return false; }

boost::asio::awaitable<bool> MemoryStore::revokeKey(const std::string&) { co_return false; }

}  // namespace pointsman::accounting
