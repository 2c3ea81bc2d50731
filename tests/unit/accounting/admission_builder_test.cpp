// Which limits a principal's request counts against, and how budget periods are named.

#include <pointsman/accounting/admission_builder.hpp>

#include <gtest/gtest.h>

namespace pointsman::accounting {
namespace {

using namespace std::chrono;

system_clock::time_point at(int y, unsigned m, unsigned d, int hour) {
  return sys_days{year{y} / month{m} / day{d}} + hours(hour);
}

TEST(BudgetScope, NamesCalendarPeriodsInUtc) {
  EXPECT_EQ(budgetScope("key", "acme", config::BudgetPeriod::Day, at(2026, 12, 5, 23)),
            "budget:key:acme:day:2026-12-05");
  EXPECT_EQ(budgetScope("key", "acme", config::BudgetPeriod::Day, at(2026, 12, 6, 0)),
            "budget:key:acme:day:2026-12-06");
  EXPECT_EQ(budgetScope("team", "ml", config::BudgetPeriod::Month, at(2026, 1, 31, 12)), "budget:team:ml:month:2026-01");
  EXPECT_EQ(budgetScope("key", "acme", config::BudgetPeriod::Total, at(2026, 1, 31, 12)), "budget:key:acme:total");
}

TEST(BuildAdmission, ListsKeyTierAndTeamLimits) {
  Principal principal;
  principal.key_name = "acme";
  principal.tier = "free";
  principal.team = "ml";
  principal.limits.rpm = 60;
  principal.limits.tpm = 1000;
  principal.limits.budget = config::BudgetConfig{5, config::BudgetPeriod::Day};
  principal.tier_rpm = 600;
  principal.team_budget = config::BudgetConfig{100, config::BudgetPeriod::Month};

  const auto request = buildAdmission(principal, at(2026, 12, 5, 10), 250, 777);
  EXPECT_EQ(request.reserve, 777);
  ASSERT_EQ(request.rates.size(), 3u);
  EXPECT_EQ(request.rates[0].scope, "rate:key:acme:rpm");
  EXPECT_EQ(request.rates[0].amount, 1);
  EXPECT_EQ(request.rates[1].scope, "rate:key:acme:tpm");
  EXPECT_EQ(request.rates[1].amount, 250);
  EXPECT_EQ(request.rates[2].scope, "rate:tier:free:rpm");
  ASSERT_EQ(request.budgets.size(), 2u);
  EXPECT_EQ(request.budgets[0].limit, 5 * kNanosPerUsd);
  EXPECT_EQ(request.budgets[0].owner, "key acme");
  EXPECT_EQ(request.budgets[1].scope, "budget:team:ml:month:2026-12");
}

TEST(BuildAdmission, UnlimitedKeyHasNoLimits) {
  Principal principal;
  principal.key_name = "open";
  const auto request = buildAdmission(principal, system_clock::now(), 10, 10);
  EXPECT_TRUE(request.rates.empty());
  EXPECT_TRUE(request.budgets.empty());
}

}  // namespace
}  // namespace pointsman::accounting
