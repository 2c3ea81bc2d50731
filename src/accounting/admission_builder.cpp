#include <pointsman/accounting/admission_builder.hpp>

#include <fmt/format.h>

namespace pointsman::accounting {
namespace {

// A counter outlives its period by a day, so a request settling just after midnight still finds
// the counter its reservation went to.
std::chrono::seconds ttlFor(config::BudgetPeriod period) {
  using std::chrono::hours;
  switch (period) {
    case config::BudgetPeriod::Day: return hours(48);
    case config::BudgetPeriod::Month: return hours(24 * 32);
    case config::BudgetPeriod::Total: return std::chrono::seconds(0);
  }
  return std::chrono::seconds(0);
}

void addBudget(AdmissionRequest& request, std::string_view owner_kind, const std::string& owner,
               const config::BudgetConfig& budget, std::chrono::system_clock::time_point now) {
  request.budgets.push_back({budgetScope(owner_kind, owner, budget.per, now), fmt::format("{} {}", owner_kind, owner),
                             nanosFromUsd(budget.usd), ttlFor(budget.per)});
}

void addRate(AdmissionRequest& request, std::string_view owner_kind, const std::string& owner, RateKind kind,
             std::int64_t per_minute, std::int64_t amount) {
  const std::string_view unit = kind == RateKind::Requests ? "rpm" : "tpm";
  request.rates.push_back({fmt::format("rate:{}:{}:{}", owner_kind, owner, unit), fmt::format("{} {}", owner_kind, owner),
                           kind, per_minute, amount});
}

}  // namespace

std::string budgetScope(std::string_view owner_kind, std::string_view owner, config::BudgetPeriod period,
                        std::chrono::system_clock::time_point now) {
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day date{day};
  switch (period) {
    case config::BudgetPeriod::Day:
      return fmt::format("budget:{}:{}:day:{:04d}-{:02d}-{:02d}", owner_kind, owner, static_cast<int>(date.year()),
                         static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    case config::BudgetPeriod::Month:
      return fmt::format("budget:{}:{}:month:{:04d}-{:02d}", owner_kind, owner, static_cast<int>(date.year()),
                         static_cast<unsigned>(date.month()));
    case config::BudgetPeriod::Total:
      return fmt::format("budget:{}:{}:total", owner_kind, owner);
  }
  return {};
}

AdmissionRequest buildAdmission(const Principal& principal, std::chrono::system_clock::time_point now,
                                std::int64_t estimated_tokens, Nanos reserve) {
  AdmissionRequest request;
  request.reserve = reserve;
  const auto& limits = principal.limits;
  if (limits.rpm) addRate(request, "key", principal.key_name, RateKind::Requests, *limits.rpm, 1);
  if (limits.tpm) addRate(request, "key", principal.key_name, RateKind::Tokens, *limits.tpm, estimated_tokens);
  if (principal.tier_rpm) addRate(request, "tier", principal.tier, RateKind::Requests, *principal.tier_rpm, 1);
  if (principal.tier_tpm) {
    addRate(request, "tier", principal.tier, RateKind::Tokens, *principal.tier_tpm, estimated_tokens);
  }
  if (limits.budget) addBudget(request, "key", principal.key_name, *limits.budget, now);
  if (principal.team_budget) addBudget(request, "team", principal.team, *principal.team_budget, now);
  return request;
}

}  // namespace pointsman::accounting
