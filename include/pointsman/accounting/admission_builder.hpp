#pragma once

#include <pointsman/accounting/admission.hpp>
#include <pointsman/accounting/principal.hpp>

#include <chrono>
#include <cstdint>

namespace pointsman::accounting {

/// Lists the budgets and rate limits a request of `principal` counts against at `now`: the
/// key's budget, RPM and TPM, its tier's total RPM and TPM, and its team's budget. Budget
/// counters are named by their calendar period in UTC, so a new day or month starts at zero.
AdmissionRequest buildAdmission(const Principal& principal, std::chrono::system_clock::time_point now,
                                std::int64_t estimated_tokens, Nanos reserve);

/// The counter name of a budget in the period that contains `now`, e.g.
/// "budget:key:acme:day:2026-12-05", "budget:team:ml:month:2026-12" or "budget:key:acme:total".
std::string budgetScope(std::string_view owner_kind, std::string_view owner, config::BudgetPeriod period,
                        std::chrono::system_clock::time_point now);

}  // namespace pointsman::accounting
