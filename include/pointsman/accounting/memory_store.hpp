#pragma once

#include <pointsman/accounting/spend_store.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace pointsman::accounting {

/// The default store: counters, rate state and the ledger in this process, behind one mutex.
/// Admission is a few map lookups under the lock, with no allocation beyond new scopes. Nothing
/// survives a restart, and it keeps no admin-API keys.
class MemoryStore : public SpendStore {
 public:
  using Clock = std::chrono::steady_clock;

  boost::asio::awaitable<AdmissionResult> admit(const AdmissionRequest& request) override;
  boost::asio::awaitable<void> settle(const AdmissionRequest& admitted, const Settlement& settlement,
                                      const SpendEntry& entry) override;
  boost::asio::awaitable<std::vector<SpendRow>> spend(std::int64_t from_unix, std::int64_t to_unix) override;
  boost::asio::awaitable<Nanos> counter(const std::string& scope) override;

  [[nodiscard]] bool keepsKeys() const override { return false; }
  std::optional<std::vector<StoredKey>> loadKeys() override { return std::vector<StoredKey>{}; }
  boost::asio::awaitable<bool> saveKey(const StoredKey&) override;
  boost::asio::awaitable<bool> revokeKey(const std::string&) override;

  /// The synchronous steps behind the awaitables; the SQLite store runs them too.
  AdmissionResult admitNow(const AdmissionRequest& request, Clock::time_point now = Clock::now());
  void settleNow(const AdmissionRequest& admitted, const Settlement& settlement, const SpendEntry& entry,
                 Clock::time_point now = Clock::now());
  std::vector<SpendRow> spendNow(std::int64_t from_unix, std::int64_t to_unix) const;
  Nanos counterNow(const std::string& scope) const;
  /// Sets a counter, as the SQLite store does when it loads its table at start.
  void restoreCounter(const std::string& scope, Nanos value);
  /// Adds ledger rows, as the SQLite store does at start.
  void restoreSpend(std::int64_t hour_unix, const SpendRow& row);

  /// Distinct ledger rows kept; past it, new end users are recorded as "(other)", because the
  /// `user` field comes from clients and would otherwise grow memory without bound.
  static constexpr std::size_t kMaxLedgerRows = 100'000;

 private:
  /// The hour, key name, team, user, route and deployment of a ledger row.
  using LedgerKey = std::tuple<std::int64_t, std::string, std::string, std::string, std::string, std::string>;
  /// A ledger key of views, so that a request finds its row without copying its five names.
  using LedgerKeyView = std::tuple<std::int64_t, std::string_view, std::string_view, std::string_view,
                                   std::string_view, std::string_view>;

  void addToLedger(LedgerKeyView key, std::int64_t requests, Nanos cost, std::int64_t prompt_tokens,
                   std::int64_t completion_tokens);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Nanos> counters_;
  std::unordered_map<std::string, std::int64_t> arrival_times_us_;
  std::map<LedgerKey, SpendRow, std::less<>> ledger_;
};

}  // namespace pointsman::accounting
