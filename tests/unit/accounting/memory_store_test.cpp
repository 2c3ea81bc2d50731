// The memory store: atomic reserve-then-settle across threads, rate limits and the ledger.

#include <pointsman/accounting/memory_store.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace pointsman::accounting {
namespace {

AdmissionRequest budgetRequest(Nanos limit, Nanos reserve) {
  AdmissionRequest request;
  request.reserve = reserve;
  request.budgets.push_back({"budget:key:k:total", "key k", limit, {}});
  return request;
}

SpendEntry entryFor(Nanos cost) {
  SpendEntry entry;
  entry.unix_seconds = 1'800'000'000;
  entry.key_name = "k";
  entry.route = "smart";
  entry.deployment = "mini";
  entry.cost = cost;
  return entry;
}

TEST(MemoryStore, ConcurrentReservationsNeverExceedBudget) {
  MemoryStore store;
  const auto request = budgetRequest(30 * 1000, 1000);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (store.admitNow(request).verdict == AdmissionVerdict::Admitted) admitted.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 30);
  EXPECT_EQ(store.counterNow("budget:key:k:total"), 30 * 1000);
}

TEST(MemoryStore, SettleReplacesReservationWithCost) {
  MemoryStore store;
  const auto request = budgetRequest(10'000, 4'000);
  ASSERT_EQ(store.admitNow(request).verdict, AdmissionVerdict::Admitted);
  store.settleNow(request, {1'500, 0}, entryFor(1'500));
  EXPECT_EQ(store.counterNow("budget:key:k:total"), 1'500);
}

TEST(MemoryStore, FailedRequestReleasesReservation) {
  MemoryStore store;
  const auto request = budgetRequest(4'000, 4'000);
  ASSERT_EQ(store.admitNow(request).verdict, AdmissionVerdict::Admitted);
  EXPECT_EQ(store.admitNow(request).verdict, AdmissionVerdict::BudgetExhausted);
  store.settleNow(request, {0, 0}, entryFor(0));
  EXPECT_EQ(store.admitNow(request).verdict, AdmissionVerdict::Admitted);
}

TEST(MemoryStore, RejectionNamesTheLimitAndTakesNothing) {
  MemoryStore store;
  auto request = budgetRequest(10'000, 6'000);
  request.budgets.push_back({"budget:team:t:total", "team t", 5'000, {}});
  const auto result = store.admitNow(request);
  EXPECT_EQ(result.verdict, AdmissionVerdict::BudgetExhausted);
  EXPECT_EQ(result.rejected_by, "team t");
  EXPECT_EQ(store.counterNow("budget:key:k:total"), 0);
}

TEST(MemoryStore, RemainingShareAfterReservation) {
  MemoryStore store;
  const auto result = store.admitNow(budgetRequest(10'000, 2'500));
  EXPECT_DOUBLE_EQ(result.remaining_budget_share, 0.75);
}

TEST(MemoryStore, RateLimitRejectsAndReportsHeaders) {
  MemoryStore store;
  AdmissionRequest request;
  request.rates.push_back({"rate:key:k:rpm", "key k", RateKind::Requests, 2, 1});
  const auto now = MemoryStore::Clock::now();
  const auto first = store.admitNow(request, now);
  ASSERT_EQ(first.verdict, AdmissionVerdict::Admitted);
  EXPECT_TRUE(first.requests.present);
  EXPECT_EQ(first.requests.limit, 2);
  EXPECT_EQ(first.requests.remaining, 1);
  ASSERT_EQ(store.admitNow(request, now).verdict, AdmissionVerdict::Admitted);
  const auto third = store.admitNow(request, now);
  EXPECT_EQ(third.verdict, AdmissionVerdict::RateLimited);
  EXPECT_EQ(third.rejected_by, "key k");
  EXPECT_EQ(third.retry_after, std::chrono::seconds(30));
}

TEST(MemoryStore, RateRejectionReservesNoBudget) {
  MemoryStore store;
  auto request = budgetRequest(10'000, 1'000);
  request.rates.push_back({"rate:key:k:rpm", "key k", RateKind::Requests, 1, 1});
  const auto now = MemoryStore::Clock::now();
  ASSERT_EQ(store.admitNow(request, now).verdict, AdmissionVerdict::Admitted);
  ASSERT_EQ(store.admitNow(request, now).verdict, AdmissionVerdict::RateLimited);
  EXPECT_EQ(store.counterNow("budget:key:k:total"), 1'000);
}

TEST(MemoryStore, LedgerSumsByHourKeyAndDeployment) {
  MemoryStore store;
  const auto request = budgetRequest(1'000'000, 10);
  store.settleNow(request, {100, 0}, entryFor(100));
  store.settleNow(request, {200, 0}, entryFor(200));
  const auto rows = store.spendNow(1'800'000'000 - 3600, 1'800'000'000 + 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].requests, 2);
  EXPECT_EQ(rows[0].cost, 300);
  EXPECT_TRUE(store.spendNow(0, 1'700'000'000).empty());
}

TEST(MemoryStore, LedgerCapFoldsNewUsersIntoOther) {
  MemoryStore store;
  const AdmissionRequest none;
  for (std::size_t i = 0; i < MemoryStore::kMaxLedgerRows; ++i) {
    auto entry = entryFor(1);
    entry.user = "user-" + std::to_string(i);
    store.settleNow(none, {1, 0}, entry);
  }

  auto late = entryFor(5);
  late.user = "late-user";
  store.settleNow(none, {5, 0}, late);
  late.user = "later-user";
  store.settleNow(none, {5, 0}, late);
  auto known = entryFor(7);
  known.user = "user-0";
  store.settleNow(none, {7, 0}, known);

  const auto rows = store.spendNow(1'800'000'000 - 3600, 1'800'000'000 + 1);
  ASSERT_EQ(rows.size(), MemoryStore::kMaxLedgerRows + 1);
  std::int64_t other_requests = 0;
  Nanos other_cost = 0;
  Nanos first_user_cost = 0;
  for (const auto& row : rows) {
    EXPECT_NE(row.user, "late-user");
    if (row.user == "(other)") {
      other_requests = row.requests;
      other_cost = row.cost;
    }
    if (row.user == "user-0") first_user_cost = row.cost;
  }
  EXPECT_EQ(other_requests, 2);
  EXPECT_EQ(other_cost, 10);
  EXPECT_EQ(first_user_cost, 8);
}

TEST(MemoryStore, RestoredRowSumsWithNewEntries) {
  MemoryStore store;
  const auto hour = 1'800'000'000 - 1'800'000'000 % 3600;
  store.restoreSpend(hour, SpendRow{"k", "", "", "smart", "mini", 4, 400, 40, 10});
  store.settleNow(AdmissionRequest{}, {100, 0}, entryFor(100));

  const auto rows = store.spendNow(hour, hour + 3600);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].requests, 5);
  EXPECT_EQ(rows[0].cost, 500);
  EXPECT_EQ(rows[0].prompt_tokens, 40);
  EXPECT_EQ(rows[0].completion_tokens, 10);
}

}  // namespace
}  // namespace pointsman::accounting
