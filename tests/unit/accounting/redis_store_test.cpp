// The Redis store against a real redis-server that the test starts on a free loopback port.

#include <pointsman/accounting/redis_store.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace pointsman::accounting {
namespace {

std::uint16_t unusedLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

/// A redis-server child bound to 127.0.0.1 without persistence, stopped by its PID.
class RedisServer {
 public:
  RedisServer() : port_(unusedLoopbackPort()) {
    const std::string port = std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execlp("redis-server", "redis-server", "--bind", "127.0.0.1", "--port", port.c_str(), "--save", "",
               "--appendonly", "no", "--loglevel", "warning", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~RedisServer() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  /// Waits until the server replies to PING.
  [[nodiscard]] bool waitUntilReady(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      redisContext* context = redisConnect("127.0.0.1", port_);
      bool ready = false;
      if (context != nullptr && context->err == 0) {
        auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
        ready = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
        if (reply) freeReplyObject(reply);
      }
      if (context) redisFree(context);
      if (ready) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a process start
    }
    return false;
  }
  [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  std::uint16_t port_;
  pid_t pid_ = -1;
};

template <class Result>
Result runOnLoop(boost::asio::awaitable<Result> task) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  return future.get();
}

config::RedisStoreConfig settingsFor(const std::string& address, bool fail_open = false) {
  config::RedisStoreConfig settings;
  settings.address = address;
  settings.fail_open = fail_open;
  settings.timeout = std::chrono::milliseconds(500);
  return settings;
}

AdmissionRequest budgetRequest(Nanos limit, Nanos reserve) {
  AdmissionRequest request;
  request.reserve = reserve;
  request.budgets.push_back({"budget:key:k:day:2026-12-05", "key k", limit, std::chrono::hours(48)});
  return request;
}

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.waitUntilReady(std::chrono::seconds(5))) << "redis-server did not start"; }

  RedisServer server_;
  telemetry::Registry registry_;
  AccountingMetrics metrics_{registry_};
};

TEST_F(RedisStoreTest, TwoReplicasNeverExceedSharedBudget) {
  // Two stores stand for two gateway processes; each sends 100 admissions at once.
  RedisStore first(settingsFor(server_.address()), metrics_);
  RedisStore second(settingsFor(server_.address()), metrics_);
  const auto request = budgetRequest(30 * 1'000'000 + 500'000, 1'000'000);
  std::atomic<int> admitted{0};
  const auto burst = [&](RedisStore& store) {
    boost::asio::io_context io;
    for (int i = 0; i < 100; ++i) {
      boost::asio::co_spawn(
          io,
          [&]() -> boost::asio::awaitable<void> {
            const auto result = co_await store.admit(request);
            if (result.verdict == AdmissionVerdict::Admitted) admitted.fetch_add(1);
          },
          boost::asio::detached);
    }
    io.run();
  };
  std::thread one([&] { burst(first); });
  std::thread two([&] { burst(second); });
  one.join();
  two.join();

  EXPECT_EQ(admitted.load(), 30);
  EXPECT_EQ(runOnLoop(first.counter(request.budgets[0].scope)), 30 * 1'000'000);
}

TEST_F(RedisStoreTest, SettleReplacesReservationAndFillsLedger) {
  RedisStore store(settingsFor(server_.address()), metrics_);
  const auto request = budgetRequest(10'000'000, 4'000'000);
  ASSERT_EQ(runOnLoop(store.admit(request)).verdict, AdmissionVerdict::Admitted);
  SpendEntry entry;
  entry.unix_seconds = 1'800'000'000;
  entry.key_name = "k";
  entry.route = "fast";
  entry.deployment = "mini";
  entry.cost = 1'500'000;
  entry.prompt_tokens = 10;
  entry.completion_tokens = 20;
  runOnLoop([&]() -> boost::asio::awaitable<bool> {
    co_await store.settle(request, {1'500'000, 0}, entry);
    co_return true;
  }());
  EXPECT_EQ(runOnLoop(store.counter(request.budgets[0].scope)), 1'500'000);
  const auto rows = runOnLoop(store.spend(1'800'000'000 - 3600, 1'800'000'000 + 3600));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].key_name, "k");
  EXPECT_EQ(rows[0].deployment, "mini");
  EXPECT_EQ(rows[0].cost, 1'500'000);
  EXPECT_EQ(rows[0].completion_tokens, 20);
}

TEST_F(RedisStoreTest, RateLimitSharedAcrossReplicas) {
  RedisStore first(settingsFor(server_.address()), metrics_);
  RedisStore second(settingsFor(server_.address()), metrics_);
  AdmissionRequest request;
  request.rates.push_back({"rate:key:k:rpm", "key k", RateKind::Requests, 2, 1});
  const auto admitted = runOnLoop(first.admit(request));
  ASSERT_EQ(admitted.verdict, AdmissionVerdict::Admitted);
  EXPECT_EQ(admitted.requests.limit, 2);
  EXPECT_EQ(admitted.requests.remaining, 1);
  ASSERT_EQ(runOnLoop(second.admit(request)).verdict, AdmissionVerdict::Admitted);
  const auto limited = runOnLoop(first.admit(request));
  EXPECT_EQ(limited.verdict, AdmissionVerdict::RateLimited);
  EXPECT_EQ(limited.rejected_by, "key k");
  EXPECT_GT(limited.retry_after.count(), 29'000);
}

TEST_F(RedisStoreTest, KeysSavedOnceAndRevoked) {
  RedisStore store(settingsFor(server_.address()), metrics_);
  StoredKey key;
  key.key.name = "api-made";
  key.key.key_sha256 = std::string(64, 'b');
  EXPECT_TRUE(runOnLoop(store.saveKey(key)));
  EXPECT_FALSE(runOnLoop(store.saveKey(key)));
  ASSERT_EQ(store.loadKeys().value().size(), 1u);
  EXPECT_TRUE(runOnLoop(store.revokeKey("api-made")));
  EXPECT_TRUE(store.loadKeys().value().empty());
}

TEST(RedisStoreDown, UnreachableFailsClosedByDefault) {
  telemetry::Registry registry;
  AccountingMetrics metrics(registry);
  const std::string nowhere = "127.0.0.1:" + std::to_string(unusedLoopbackPort());
  RedisStore closed(settingsFor(nowhere), metrics);
  EXPECT_EQ(runOnLoop(closed.admit(budgetRequest(10, 1))).verdict, AdmissionVerdict::StoreUnavailable);

  RedisStore open(settingsFor(nowhere, true), metrics);
  const auto result = runOnLoop(open.admit(budgetRequest(10, 1)));
  EXPECT_EQ(result.verdict, AdmissionVerdict::Admitted);
  EXPECT_TRUE(result.failed_open);
}

}  // namespace
}  // namespace pointsman::accounting
