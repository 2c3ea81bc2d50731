#pragma once

#include <pointsman/accounting/accounting_metrics.hpp>
#include <pointsman/accounting/spend_store.hpp>
#include <pointsman/config/accounting_config.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

struct redisContext;

namespace pointsman::accounting {

/// The store that replicas share: counters, rate-limit state, the ledger and admin-API keys in
/// Redis. Admission and settlement are each one Lua script (EVALSHA), so Redis runs every check
/// and update of one request as one atomic step, and an admission costs one round trip. One
/// thread per process owns the hiredis connection and runs the commands in order; workers
/// await the results and never block.
///
/// When Redis is unreachable, admission follows `fail_open`: admit unchecked (counted as
/// `fail_open`) or reject with 503 (`fail_closed`). A settlement that cannot be written is
/// logged and counted; its reservation then stays on the counter, which over-counts spend.
class RedisStore : public SpendStore {
 public:
  RedisStore(config::RedisStoreConfig settings, AccountingMetrics& metrics);
  ~RedisStore() override;

  RedisStore(const RedisStore&) = delete;
  RedisStore& operator=(const RedisStore&) = delete;

  boost::asio::awaitable<AdmissionResult> admit(const AdmissionRequest& request) override;
  boost::asio::awaitable<void> settle(const AdmissionRequest& admitted, const Settlement& settlement,
                                      const SpendEntry& entry) override;
  boost::asio::awaitable<std::vector<SpendRow>> spend(std::int64_t from_unix, std::int64_t to_unix) override;
  boost::asio::awaitable<Nanos> counter(const std::string& scope) override;

  [[nodiscard]] bool keepsKeys() const override { return true; }
  std::optional<std::vector<StoredKey>> loadKeys() override;
  boost::asio::awaitable<bool> saveKey(const StoredKey& key) override;
  boost::asio::awaitable<bool> revokeKey(const std::string& name) override;

 private:
  using Job = std::function<void(redisContext*)>;

  void post(Job job);
  void runJobs();
  redisContext* connection();
  void dropConnection(const char* what);

  config::RedisStoreConfig settings_;
  AccountingMetrics& metrics_;
  redisContext* context_ = nullptr;
  std::chrono::steady_clock::time_point next_connect_attempt_{};
  bool reported_down_ = false;
  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pointsman::accounting
