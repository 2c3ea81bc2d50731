// Budgets under concurrency and across restarts: two gateways sharing one redis-server, and a
// gateway on the SQLite store killed with SIGKILL and started again.

#include <nlohmann/json.hpp>

#include <pointsman/accounting/admission_builder.hpp>
#include <pointsman/accounting/key_registry.hpp>

#include <hiredis/hiredis.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <thread>

#include "support/gateway_test.hpp"
#include "support/loopback_port.hpp"
#include "support/process_support.hpp"
#include "support/simulator_process.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

constexpr const char* kClientKey = "sk-budget-test-1";

/// A redis-server child on a free loopback port, without persistence, stopped by its PID.
class RedisProcess {
 public:
  RedisProcess() : port_(unusedLoopbackPort()) {
    // spawnLogged takes a path, not a name to look up; Debian installs the server here.
    pid_ = spawnLogged({"/usr/bin/redis-server", "--bind", "127.0.0.1", "--port", std::to_string(port_), "--save", "",
                        "--appendonly", "no"},
                       testLogDirectory() + "/" + currentTestName() + ".redis.log", {});
  }
  ~RedisProcess() { terminateChild(pid_, std::chrono::seconds(5)); }
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  /// Sends one command and returns its integer or string reply as text; empty on failure.
  [[nodiscard]] std::string command(const std::string& text) const {
    redisContext* context = redisConnect("127.0.0.1", port_);
    std::string result;
    if (context != nullptr && context->err == 0) {
      auto* reply = static_cast<redisReply*>(redisCommand(context, text.c_str()));
      if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER) result = std::to_string(reply->integer);
      if (reply != nullptr && (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS)) {
        result.assign(reply->str, reply->len);
      }
      if (reply) freeReplyObject(reply);
    }
    if (context) redisFree(context);
    return result;
  }

  [[nodiscard]] bool waitUntilReady(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (command("PING") == "PONG") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a process start
    }
    return false;
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  std::uint16_t port_;
  pid_t pid_ = -1;
};

class BudgetStores : public GatewayTest {
 protected:
  // Input is free and output costs 10 USD per million tokens, so a request with max_tokens 100
  // reserves 0.001 USD and, because the simulator bills exactly max_tokens, costs the same.
  std::string configFor(const std::string& accounting, double budget_usd) {
    ConfigBuilder config;
    config.serverField("drain_timeout_ms: 3000")
        .serverField("workers: 2")
        .provider("sim", simulator_->baseUrl())
        .deployment("mini", "sim", kUpstreamModel, "price: { input: 0, output: 10.0 }")
        .route("fast", {"mini"})
        .auth("keys")
        .rawBlock(accounting)
        .rawBlock("keys:\n  - { name: acme, key_sha256: \"" + accounting::sha256Hex(kClientKey) +
                  "\", budget: { usd: " + std::to_string(budget_usd) + ", per: day } }\n");
    return config.yaml();
  }

  static std::string body() {
    return R"({"model":"fast","max_tokens":100,"messages":[{"role":"user","content":"hi"}]})";
  }

  static int send(std::uint16_t port) { return sendWithKey(port, kClientKey); }

  static int sendWithKey(std::uint16_t port, const std::string& key) {
    return post(port, "/v1/chat/completions", body(), {{"authorization", "Bearer " + key}}, std::chrono::seconds(30))
        .status;
  }

  /// Sends with `key` until the status is `expected`, for up to 12 s: replicas read the store's
  /// keys every 5 s. Returns the last status.
  static int waitForStatusWithKey(std::uint16_t port, const std::string& key, int expected) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(12);
    int status = sendWithKey(port, key);
    while (status != expected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // polling the key sync
      status = sendWithKey(port, key);
    }
    return status;
  }

  /// Creates a key named `name` through the admin API on `admin_port` and returns the client key.
  static std::string createKey(std::uint16_t admin_port, const std::string& name) {
    RequestOptions create;
    create.target = "/admin/keys";
    create.body = json{{"name", name}}.dump();
    const auto created = sendRequest(admin_port, create);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json().value("key", std::string());
  }

  void TearDown() override {
    GatewayTest::TearDown();
    simulator_.reset();
  }

  std::unique_ptr<SimulatorProcess> simulator_;
};

TEST_F(BudgetStores, TwoGatewaysOnRedisShareADeploymentRateLimit) {
  simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "1"});
  RedisProcess redis;
  ASSERT_TRUE(redis.waitUntilReady(std::chrono::seconds(5)));
  ConfigBuilder config;
  config.serverField("drain_timeout_ms: 3000")
      .provider("sim", simulator_->baseUrl())
      .deployment("mini", "sim", kUpstreamModel, "limits: { rpm: 4 }")
      .route("fast", {"mini"})
      .rawBlock("accounting: { store: redis, redis: { address: \"127.0.0.1:" + std::to_string(redis.port()) +
                "\", timeout_ms: 2000 } }\n");
  GatewayProcess first(config.yaml());
  GatewayProcess second(config.yaml());
  const auto unauthenticated = [](std::uint16_t port) {
    return post(port, "/v1/chat/completions", body(), {}, std::chrono::seconds(30)).status;
  };

  // The first replica spends the whole minute; the second, which sent nothing yet, is refused.
  for (int i = 0; i < 4; ++i) ASSERT_EQ(unauthenticated(first.publicPort()), 200) << "request " << i;
  const auto response = post(second.publicPort(), "/v1/chat/completions", body(), {}, std::chrono::seconds(30));

  EXPECT_EQ(response.status, 429) << response.body;
  EXPECT_FALSE(response.header("retry-after").empty());
  EXPECT_NE(response.body.find("requests- or tokens-per-minute limit"), std::string::npos) << response.body;
}

TEST_F(BudgetStores, TwoGatewaysOnRedisAdmitExactlyWhatFits) {
  // The simulator delays each response by 300 ms, so the 200 requests overlap.
  simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "300"});
  RedisProcess redis;
  ASSERT_TRUE(redis.waitUntilReady(std::chrono::seconds(5)));
  const std::string accounting = "accounting: { store: redis, redis: { address: \"127.0.0.1:" +
                                 std::to_string(redis.port()) + "\", timeout_ms: 2000 } }\n";
  GatewayProcess first(configFor(accounting, 0.0305));
  GatewayProcess second(configFor(accounting, 0.0305));

  std::atomic<int> succeeded{0};
  std::atomic<int> rejected{0};
  std::atomic<int> other{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 200; ++i) {
    const auto port = i % 2 == 0 ? first.publicPort() : second.publicPort();
    clients.emplace_back([&, port] {
      const int status = send(port);
      if (status == 200) {
        succeeded.fetch_add(1);
      } else if (status == 429) {
        rejected.fetch_add(1);
      } else {
        other.fetch_add(1);
      }
    });
  }
  for (auto& client : clients) client.join();

  EXPECT_EQ(succeeded.load(), 30);
  EXPECT_EQ(rejected.load(), 170);
  EXPECT_EQ(other.load(), 0);
  const auto scope = accounting::budgetScope("key", "acme", config::BudgetPeriod::Day, std::chrono::system_clock::now());
  EXPECT_EQ(redis.command("GET pointsman:" + scope), std::to_string(30 * 1'000'000));
}

TEST_F(BudgetStores, CreatedKeyWorksOnOtherReplica) {
  simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "1"});
  auto redis = std::make_unique<RedisProcess>();
  ASSERT_TRUE(redis->waitUntilReady(std::chrono::seconds(5)));
  const std::string accounting = "accounting: { store: redis, redis: { address: \"127.0.0.1:" +
                                 std::to_string(redis->port()) + "\", timeout_ms: 500, fail_open: true } }\n";
  GatewayProcess first(configFor(accounting, 1.0));
  GatewayProcess second(configFor(accounting, 1.0));

  const std::string key = createKey(first.adminPort(), "shared");
  ASSERT_FALSE(key.empty());

  EXPECT_EQ(sendWithKey(first.publicPort(), key), 200);
  EXPECT_EQ(waitForStatusWithKey(second.publicPort(), key, 200), 200);

  // An unreachable store must not drop the keys a replica has loaded: with fail_open the key
  // still authenticates after several failed syncs.
  redis.reset();
  std::this_thread::sleep_for(std::chrono::seconds(6));  // at least one key sync against the stopped store
  EXPECT_EQ(sendWithKey(second.publicPort(), key), 200);
  EXPECT_TRUE(second.waitForLog("cannot read the keys", std::chrono::seconds(5)));
}

TEST_F(BudgetStores, RevokedKeyFailsOnOtherReplica) {
  simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "1"});
  RedisProcess redis;
  ASSERT_TRUE(redis.waitUntilReady(std::chrono::seconds(5)));
  const std::string accounting = "accounting: { store: redis, redis: { address: \"127.0.0.1:" +
                                 std::to_string(redis.port()) + "\", timeout_ms: 2000 } }\n";
  GatewayProcess first(configFor(accounting, 1.0));
  const std::string key = createKey(first.adminPort(), "short-lived");
  ASSERT_FALSE(key.empty());
  // Started after the key exists, so it loads the key at start.
  GatewayProcess second(configFor(accounting, 1.0));
  ASSERT_EQ(sendWithKey(second.publicPort(), key), 200);

  RequestOptions revoke;
  revoke.method = "DELETE";
  revoke.target = "/admin/keys/short-lived";
  ASSERT_EQ(sendRequest(first.adminPort(), revoke).status, 200);
  EXPECT_EQ(sendWithKey(first.publicPort(), key), 401);
  EXPECT_EQ(waitForStatusWithKey(second.publicPort(), key, 401), 401);
}

TEST_F(BudgetStores, SqliteSpendSurvivesKill) {
  simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "1"});
  const auto directory = makeTemporaryDirectory("pointsman-sqlite");
  const std::string accounting = "accounting: { store: sqlite, sqlite_path: \"" + directory + "/spend.db\" }\n";
  const std::string yaml = configFor(accounting, 0.0155);
  {
    GatewayProcess gateway(yaml);
    for (int i = 0; i < 10; ++i) ASSERT_EQ(send(gateway.publicPort()), 200) << "request " << i;
    gateway.sendSignal(SIGKILL);
    ASSERT_TRUE(gateway.waitForExit(std::chrono::seconds(5)));
  }
  GatewayProcess restarted(yaml);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(send(restarted.publicPort()), 200) << "request " << 10 + i;
  EXPECT_EQ(send(restarted.publicPort()), 429);
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace pointsman::test
