// The SQLite store: counters and the ledger come back after the store is reopened.

#include <pointsman/accounting/sqlite_store.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace pointsman::accounting {
namespace {

template <class Result>
Result runOnLoop(boost::asio::awaitable<Result> task) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  return future.get();
}

void runOnLoop(boost::asio::awaitable<void> task) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  future.get();
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() / ("pointsman-sqlite-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory_);
    path_ = (directory_ / "spend.db").string();
    std::filesystem::remove(path_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::filesystem::path directory_;
  std::string path_;
};

AdmissionRequest budgetRequest(Nanos limit, Nanos reserve) {
  AdmissionRequest request;
  request.reserve = reserve;
  request.budgets.push_back({"budget:key:k:total", "key k", limit, {}});
  return request;
}

TEST_F(SqliteStoreTest, SettledSpendSurvivesReopen) {
  const auto request = budgetRequest(10'000, 3'000);
  {
    SqliteStore store(path_);
    ASSERT_EQ(runOnLoop(store.admit(request)).verdict, AdmissionVerdict::Admitted);
    SpendEntry entry;
    entry.unix_seconds = 1'800'000'000;
    entry.key_name = "k";
    entry.deployment = "mini";
    entry.cost = 1'200;
    runOnLoop(store.settle(request, {1'200, 0}, entry));
  }
  SqliteStore reopened(path_);
  EXPECT_EQ(runOnLoop(reopened.counter("budget:key:k:total")), 1'200);
  const auto rows = runOnLoop(reopened.spend(1'799'996'400, 1'800'003'600));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cost, 1'200);
  EXPECT_EQ(rows[0].requests, 1);
}

TEST_F(SqliteStoreTest, OpenReservationCountsAtWorstCaseAfterReopen) {
  const auto request = budgetRequest(10'000, 3'000);
  {
    SqliteStore store(path_);
    ASSERT_EQ(runOnLoop(store.admit(request)).verdict, AdmissionVerdict::Admitted);
  }
  SqliteStore reopened(path_);
  EXPECT_EQ(runOnLoop(reopened.counter("budget:key:k:total")), 3'000);
  EXPECT_EQ(runOnLoop(reopened.admit(budgetRequest(10'000, 7'001))).verdict, AdmissionVerdict::BudgetExhausted);
}

TEST_F(SqliteStoreTest, StoredKeysSurviveReopenAndRevoke) {
  StoredKey key;
  key.key.name = "api-made";
  key.key.key_sha256 = std::string(64, 'a');
  key.key.limits.rpm = 5;
  {
    SqliteStore store(path_);
    EXPECT_TRUE(runOnLoop(store.saveKey(key)));
    EXPECT_FALSE(runOnLoop(store.saveKey(key)));
  }
  SqliteStore reopened(path_);
  const auto keys = reopened.loadKeys().value();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].key.name, "api-made");
  EXPECT_EQ(keys[0].key.limits.rpm, 5);
  EXPECT_TRUE(runOnLoop(reopened.revokeKey("api-made")));
  EXPECT_FALSE(runOnLoop(reopened.revokeKey("api-made")));
  EXPECT_TRUE(reopened.loadKeys().value().empty());
}

TEST_F(SqliteStoreTest, UnwritableDirectoryFailsAtOpen) {
  EXPECT_THROW(SqliteStore("/proc/pointsman-no-such-dir/spend.db"), std::runtime_error);
}

}  // namespace
}  // namespace pointsman::accounting
