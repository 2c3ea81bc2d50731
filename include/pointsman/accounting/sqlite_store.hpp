#pragma once

#include <pointsman/accounting/memory_store.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace pointsman::accounting {

/// The writer thread's connection with its prepared statements (defined in sqlite_store.cpp).
class SqliteConnection;

/// A durable store for one gateway process: a SQLite file in WAL mode. Admission decides in
/// memory (the counters are loaded from the file at start), then a writer thread commits the
/// change, and the request waits for that commit before it goes upstream. Writes that arrive
/// while a commit runs share the next transaction, so a burst costs one commit.
///
/// What survives `kill -9`: every reservation of a request that went upstream, and every
/// settlement whose request was recorded. A reservation whose request was cut off by the kill
/// stays counted at its worst case, so a restart never under-counts spend. `synchronous=NORMAL`
/// makes a commit durable against a process crash; a power loss may lose the last commits.
/// Rate-limit state is not stored and starts empty after a restart. Several processes must not
/// share one file: each would admit against its own copy of the counters (use Redis for that).
class SqliteStore : public SpendStore {
 public:
  /// Opens or creates the database and loads its counters and ledger. Throws
  /// std::runtime_error with the path and SQLite's message when that fails.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  boost::asio::awaitable<AdmissionResult> admit(const AdmissionRequest& request) override;
  boost::asio::awaitable<void> settle(const AdmissionRequest& admitted, const Settlement& settlement,
                                      const SpendEntry& entry) override;
  boost::asio::awaitable<std::vector<SpendRow>> spend(std::int64_t from_unix, std::int64_t to_unix) override;
  boost::asio::awaitable<Nanos> counter(const std::string& scope) override;

  [[nodiscard]] bool keepsKeys() const override { return true; }
  std::optional<std::vector<StoredKey>> loadKeys() override;
  boost::asio::awaitable<bool> saveKey(const StoredKey& key) override;
  boost::asio::awaitable<bool> revokeKey(const std::string& name) override;

  /// One change for the writer thread: `apply` runs inside the batch's transaction and returns
  /// false when its statement failed; `done` receives whether the batch committed.
  struct Write {
    std::function<bool(SqliteConnection&)> apply;
    std::function<void(bool committed)> done;
  };

 private:
  /// Copies the file's budget counters and ledger into the in-memory store; runs before the
  /// writer thread starts.
  void loadCounters();
  void enqueue(Write write);
  void runWriter();
  void commitBatch(std::deque<Write>& batch);
  boost::asio::awaitable<bool> writeAndWait(std::function<bool(SqliteConnection&)> apply);

  std::string path_;
  sqlite3* db_ = nullptr;
  /// Used only by the writer thread, and by the constructor before that thread starts.
  std::unique_ptr<SqliteConnection> connection_;
  MemoryStore memory_;
  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<Write> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace pointsman::accounting
