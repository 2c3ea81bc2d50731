#include <pointsman/accounting/sqlite_store.hpp>

#include <pointsman/accounting/await_callback.hpp>
#include <pointsman/accounting/stored_key_json.hpp>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <future>
#include <unordered_map>
#include <stdexcept>

namespace pointsman::accounting {
namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE IF NOT EXISTS budget_counters (scope TEXT PRIMARY KEY, nanos INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS spend (
  hour INTEGER NOT NULL, key_name TEXT NOT NULL, team TEXT NOT NULL, user TEXT NOT NULL,
  route TEXT NOT NULL, deployment TEXT NOT NULL, requests INTEGER NOT NULL, nanos INTEGER NOT NULL,
  prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
  PRIMARY KEY (hour, key_name, team, user, route, deployment));
CREATE TABLE IF NOT EXISTS api_keys (name TEXT PRIMARY KEY, key_sha256 TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
)sql";

/// A cached prepared statement, borrowed for one use: reset and unbound when it goes out of
/// scope, so the next use starts clean.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* statement) : statement_(statement) {}
  ~Statement() {
    if (statement_ == nullptr) return;
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value) {
    sqlite3_bind_int64(statement_, index, value);
    return *this;
  }
  Statement& bind(int index, const std::string& value) {
    sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
  }
  /// Runs to completion; true when every step succeeded.
  bool run() {
    if (statement_ == nullptr) return false;
    int status = SQLITE_ROW;
    while (status == SQLITE_ROW) status = sqlite3_step(statement_);
    return status == SQLITE_DONE;
  }
  /// Steps once; true while a row is available.
  bool next() { return step() == SQLITE_ROW; }
  /// Steps once and returns SQLite's status: SQLITE_ROW, SQLITE_DONE or an error.
  int step() { return statement_ == nullptr ? SQLITE_ERROR : sqlite3_step(statement_); }
  std::int64_t integer(int column) { return sqlite3_column_int64(statement_, column); }
  std::string text(int column) {
    const auto* bytes = sqlite3_column_text(statement_, column);
    return bytes == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(bytes));
  }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

}  // namespace

/// Preparing a statement parses its SQL, which costs more than running these small upserts, so
/// each SQL text is prepared once and kept. Keyed by the literal's address: every caller passes
/// a string literal.
class SqliteConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Statement statement(const char* sql) {
    auto& prepared = statements_[sql];
    if (prepared == nullptr) sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &prepared, nullptr);
    return Statement(prepared);
  }
  [[nodiscard]] sqlite3* db() const { return db_; }

 private:
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

namespace {

bool addToCounters(SqliteConnection& connection, const std::vector<BudgetLimit>& budgets, Nanos delta) {
  bool ok = true;
  for (const auto& budget : budgets) {
    auto statement = connection.statement("INSERT INTO budget_counters (scope, nanos) VALUES (?1, ?2) "
                                          "ON CONFLICT (scope) DO UPDATE SET nanos = nanos + excluded.nanos");
    ok = statement.bind(1, budget.scope).bind(2, delta).run() && ok;
  }
  return ok;
}

bool addToLedger(SqliteConnection& connection, const SpendEntry& entry) {
  auto statement = connection.statement("INSERT INTO spend VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?9) "
                                        "ON CONFLICT (hour, key_name, team, user, route, deployment) DO UPDATE SET "
                                        "requests = requests + 1, nanos = nanos + excluded.nanos, "
                                        "prompt_tokens = prompt_tokens + excluded.prompt_tokens, "
                                        "completion_tokens = completion_tokens + excluded.completion_tokens");
  return statement.bind(1, entry.unix_seconds - entry.unix_seconds % 3600)
      .bind(2, entry.key_name)
      .bind(3, entry.team)
      .bind(4, entry.user)
      .bind(5, entry.route)
      .bind(6, entry.deployment)
      .bind(7, entry.cost)
      .bind(8, entry.prompt_tokens)
      .bind(9, entry.completion_tokens)
      .run();
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path) : path_(path) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open the SQLite store " + path + ": " + message);
  }
  char* error = nullptr;
  if (sqlite3_exec(db_, kSchema, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    sqlite3_close(db_);
    throw std::runtime_error("cannot prepare the SQLite store " + path + ": " + message);
  }
  connection_ = std::make_unique<SqliteConnection>(db_);
  loadCounters();
  writer_ = std::thread([this] { runWriter(); });
}

void SqliteStore::loadCounters() {
  auto counters = connection_->statement("SELECT scope, nanos FROM budget_counters");
  while (counters.next()) memory_.restoreCounter(counters.text(0), counters.integer(1));
  auto ledger = connection_->statement("SELECT hour, key_name, team, user, route, deployment, requests, nanos, "
                                       "prompt_tokens, completion_tokens FROM spend");
  while (ledger.next()) {
    memory_.restoreSpend(ledger.integer(0), SpendRow{ledger.text(1), ledger.text(2), ledger.text(3), ledger.text(4),
                                                     ledger.text(5), ledger.integer(6), ledger.integer(7),
                                                     ledger.integer(8), ledger.integer(9)});
  }
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  writer_.join();
  connection_.reset();
  sqlite3_close(db_);
}

void SqliteStore::enqueue(Write write) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(write));
  }
  queue_ready_.notify_one();
}

void SqliteStore::runWriter() {
  std::deque<Write> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      batch.swap(queue_);
    }
    commitBatch(batch);
    batch.clear();
  }
}

void SqliteStore::commitBatch(std::deque<Write>& batch) {
  connection_->statement("BEGIN IMMEDIATE").run();
  std::vector<bool> applied;
  applied.reserve(batch.size());
  for (auto& write : batch) applied.push_back(write.apply(*connection_));
  const bool committed = connection_->statement("COMMIT").run();
  if (!committed) {
    spdlog::error("accounting: SQLite commit to {} failed: {}; {} changes are not durable", path_,
                  sqlite3_errmsg(db_), batch.size());
    connection_->statement("ROLLBACK").run();
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(committed && applied[i]);
  }
}

boost::asio::awaitable<bool> SqliteStore::writeAndWait(std::function<bool(SqliteConnection&)> apply) {
  auto start = [this, &apply](std::function<void(bool)> complete) { enqueue({std::move(apply), std::move(complete)}); };
  const bool committed = co_await awaitCallback<bool>(start);
  co_return committed;
}

boost::asio::awaitable<AdmissionResult> SqliteStore::admit(const AdmissionRequest& request) {
  auto result = memory_.admitNow(request);
  if (result.verdict != AdmissionVerdict::Admitted || request.budgets.empty()) co_return result;

  // The request goes upstream only once its reservation is on disk.
  const auto budgets = request.budgets;
  const Nanos reserve = request.reserve;
  // Each write is a named std::function: GCC 12 destroys a lambda temporary inside a co_await
  // expression twice.
  std::function<bool(SqliteConnection&)> apply = [budgets, reserve](SqliteConnection& connection) {
    return addToCounters(connection, budgets, reserve);
  };
  const bool durable = co_await writeAndWait(std::move(apply));
  if (!durable) {
    memory_.settleNow(request, {0, 0}, {});
    result.verdict = AdmissionVerdict::StoreUnavailable;
  }
  co_return result;
}

boost::asio::awaitable<void> SqliteStore::settle(const AdmissionRequest& admitted, const Settlement& settlement,
                                                 const SpendEntry& entry) {
  memory_.settleNow(admitted, settlement, entry);
  const auto budgets = admitted.budgets;
  const Nanos delta = settlement.cost - admitted.reserve;
  std::function<bool(SqliteConnection&)> apply = [budgets, delta, entry](SqliteConnection& connection) {
    const bool counted = addToCounters(connection, budgets, delta);
    return (entry.key_name.empty() || addToLedger(connection, entry)) && counted;
  };
  const bool committed = co_await writeAndWait(std::move(apply));
  if (!committed) spdlog::error("accounting: settlement for key {} was not written to {}", entry.key_name, path_);
}

boost::asio::awaitable<std::vector<SpendRow>> SqliteStore::spend(std::int64_t from_unix, std::int64_t to_unix) {
  co_return memory_.spendNow(from_unix, to_unix);
}

boost::asio::awaitable<Nanos> SqliteStore::counter(const std::string& scope) { co_return memory_.counterNow(scope); }

std::optional<std::vector<StoredKey>> SqliteStore::loadKeys() {
  // The connection belongs to the writer thread, so the read runs there too.
  auto keys = std::make_shared<std::vector<StoredKey>>();
  std::promise<bool> finished;
  enqueue({[keys](SqliteConnection& connection) {
             auto rows = connection.statement("SELECT json FROM api_keys ORDER BY name");
             int status = SQLITE_ROW;
             while ((status = rows.step()) == SQLITE_ROW) {
               std::string problem;
               if (auto key = storedKeyFromJson(rows.text(0), problem)) keys->push_back(std::move(*key));
             }
             return status == SQLITE_DONE;
           },
           [&finished](bool read) { finished.set_value(read); }});
  if (!finished.get_future().get()) return std::nullopt;
  return std::move(*keys);
}

boost::asio::awaitable<bool> SqliteStore::saveKey(const StoredKey& key) {
  const std::string json = storedKeyToJson(key);
  std::function<bool(SqliteConnection&)> apply = [key, json](SqliteConnection& connection) {
    auto insert = connection.statement("INSERT INTO api_keys (name, key_sha256, json) VALUES (?1, ?2, ?3)");
    return insert.bind(1, key.key.name).bind(2, key.key.key_sha256).bind(3, json).run();
  };
  const bool saved = co_await writeAndWait(std::move(apply));
  co_return saved;
}

boost::asio::awaitable<bool> SqliteStore::revokeKey(const std::string& name) {
  std::function<bool(SqliteConnection&)> apply = [name](SqliteConnection& connection) {
    auto remove = connection.statement("DELETE FROM api_keys WHERE name = ?1");
    return remove.bind(1, name).run() && sqlite3_changes(connection.db()) == 1;
  };
  const bool revoked = co_await writeAndWait(std::move(apply));
  co_return revoked;
}

}  // namespace pointsman::accounting
