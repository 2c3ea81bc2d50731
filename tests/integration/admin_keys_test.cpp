// Keys made, listed and revoked through the admin API on the SQLite store, across a reload and
// a restart, and the spend report over the ledger those keys fill.

#include <nlohmann/json.hpp>

#include <pointsman/accounting/key_registry.hpp>

#include <csignal>
#include <filesystem>
#include <thread>

#include "support/gateway_test.hpp"
#include "support/process_support.hpp"
#include "support/simulator_process.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

constexpr const char* kYamlKey = "sk-yaml-key-1";

class AdminKeys : public GatewayTest {
 protected:
  void SetUp() override {
    simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "1"});
    directory_ = makeTemporaryDirectory("pointsman-admin-keys");
  }

  void TearDown() override {
    GatewayTest::TearDown();
    simulator_.reset();
    std::filesystem::remove_all(directory_);
  }

  // Output costs 10 USD per million tokens and the simulator bills exactly max_tokens, so each
  // request below costs 0.0001 USD.
  std::string yaml() const {
    ConfigBuilder config;
    config.serverField("drain_timeout_ms: 3000")
        .provider("sim", simulator_->baseUrl())
        .deployment("mini", "sim", kUpstreamModel, "price: { input: 0, output: 10.0 }")
        .deployment("large", "sim", kUpstreamModel, "price: { input: 0, output: 10.0 }")
        .route("fast", {"mini"})
        .route("smart", {"large"})
        .routeEntry("by-tier", "tier: { free: [mini], default: [large] }")
        .auth("keys")
        .rawBlock("accounting: { store: sqlite, sqlite_path: \"" + directory_ + "/spend.db\" }\n")
        .rawBlock("tiers:\n  free: { rpm: 100, routes: [fast] }\n  pro: { rpm: 1000 }\n")
        .rawBlock("keys:\n  - { name: yaml-key, key_sha256: \"" + accounting::sha256Hex(kYamlKey) + "\", tier: pro }\n");
    return config.yaml();
  }

  HttpResponse admin(const std::string& method, const std::string& target, const std::string& body = {}) {
    RequestOptions options;
    options.method = method;
    options.target = target;
    options.body = body;
    return sendRequest(gateway_->adminPort(), options);
  }

  int chat(const std::string& key, const std::string& model = "fast") {
    const std::string body =
        R"({"model":")" + model + R"(","max_tokens":10,"messages":[{"role":"user","content":"hi"}]})";
    return postChat(body, {{"authorization", "Bearer " + key}}).status;
  }

  /// Creates a key through the admin API and returns the client key from the response.
  std::string createKey(const std::string& fields) {
    const auto response = admin("POST", "/admin/keys", fields);
    EXPECT_EQ(response.status, 201) << response.body;
    return response.json().value("key", std::string());
  }

  static const json* entryNamed(const json& list, const std::string& name) {
    for (const auto& entry : list["data"]) {
      if (entry["name"] == name) return &entry;
    }
    return nullptr;
  }

  std::unique_ptr<SimulatorProcess> simulator_;
  std::string directory_;
};

TEST_F(AdminKeys, CreatedKeyAuthenticatesAndInheritsItsTier) {
  startGateway(yaml());
  const auto key = createKey(R"({"name":"team-a-bot","tier":"free","labels":{"app":"bot"}})");
  ASSERT_EQ(key.rfind("pm-", 0), 0u) << key;

  EXPECT_EQ(chat(key, "fast"), 200);
  // The free tier allows only the fast route; a forbidden route looks like an unknown model.
  EXPECT_EQ(chat(key, "smart"), 404);

  const auto list = admin("GET", "/admin/keys").json();
  const auto* entry = entryNamed(list, "team-a-bot");
  ASSERT_NE(entry, nullptr) << list.dump();
  EXPECT_EQ((*entry)["source"], "api");
  EXPECT_EQ((*entry)["active"], true);
  EXPECT_EQ((*entry)["tier"], "free");
  EXPECT_EQ(entry->dump().find(key), std::string::npos);
  EXPECT_NE(entryNamed(list, "yaml-key"), nullptr);
  // The key itself is written to no log.
  EXPECT_EQ(gateway_->logText().find(key), std::string::npos);
}

TEST_F(AdminKeys, InvalidOrClashingKeysAreRefused) {
  startGateway(yaml());
  ASSERT_FALSE(createKey(R"({"name":"dup"})").empty());

  const std::vector<std::tuple<std::string, unsigned, std::string>> refused = {
      {R"({"name":"dup"})", 409, "name"},
      {R"({"name":"yaml-key"})", 409, "name"},
      {R"({"name":"x","tier":"gold"})", 400, "tier"},
      {R"({"name":"x","team":"nobody"})", 400, "team"},
      {R"({"name":"x","routes":["nope"]})", 400, "routes"},
      {R"({"name":"has space"})", 400, "name"},
      {R"({"name":""})", 400, "name"},
      {R"({"name":"x","key_sha256":"00"})", 400, "key"},
      {R"({"name":"x","rpm":0})", 400, ""},
      {R"(["not","an","object"])", 400, ""},
      {R"({"name":"x","budget":{"usd":-1}})", 400, ""}};
  for (const auto& [body, status, param] : refused) {
    const auto response = admin("POST", "/admin/keys", body);
    EXPECT_EQ(response.status, status) << body << ": " << response.body;
    if (!param.empty()) EXPECT_EQ(response.json()["error"]["param"], param) << body << ": " << response.body;
  }
}

TEST_F(AdminKeys, RevokedKeyIsRefusedAtOnce) {
  startGateway(yaml());
  const auto key = createKey(R"({"name":"short-lived"})");
  ASSERT_EQ(chat(key), 200);

  const auto revoked = admin("DELETE", "/admin/keys/short-lived");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(chat(key), 401);
  EXPECT_EQ(admin("DELETE", "/admin/keys/short-lived").status, 404);
  EXPECT_EQ(admin("GET", "/admin/keys/short-lived").status, 404);
  EXPECT_EQ(admin("DELETE", "/admin/keys/yaml-key").status, 409);
  EXPECT_EQ(chat(kYamlKey), 200);
}

TEST_F(AdminKeys, StoredKeysSurviveReloadAndRestart) {
  const auto config = yaml();
  std::string key;
  {
    GatewayProcess gateway(config);
    RequestOptions options;
    options.target = "/admin/keys";
    options.body = R"({"name":"durable","tier":"pro"})";
    const auto created = sendRequest(gateway.adminPort(), options);
    ASSERT_EQ(created.status, 201) << created.body;
    key = created.json()["key"];

    gateway.sendSignal(SIGHUP);
    ASSERT_TRUE(gateway.waitForLog("config reloaded", std::chrono::seconds(10)));
    const std::string body = R"({"model":"fast","max_tokens":10,"messages":[{"role":"user","content":"hi"}]})";
    EXPECT_EQ(post(gateway.publicPort(), "/v1/chat/completions", body, {{"authorization", "Bearer " + key}}).status,
              200);
    gateway.sendSignal(SIGKILL);
    ASSERT_TRUE(gateway.waitForExit(std::chrono::seconds(5)));
  }

  startGateway(config);
  EXPECT_EQ(chat(key), 200);
  const auto listing = admin("GET", "/admin/keys");
  ASSERT_EQ(listing.status, 200) << listing.body;
  const auto list = listing.json();
  const auto* entry = entryNamed(list, "durable");
  ASSERT_NE(entry, nullptr) << listing.body;
  EXPECT_EQ((*entry)["tier"], "pro");
}

TEST_F(AdminKeys, SpendReportSumsTheLedgerPerGroup) {
  startGateway(yaml());
  const auto key = createKey(R"({"name":"reporter","tier":"pro"})");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(chat(key, "fast"), 200);
  ASSERT_EQ(chat(key, "smart"), 200);
  ASSERT_EQ(chat(kYamlKey, "smart"), 200);

  // Settlement is written after the response, so poll until all five requests are in.
  json report;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    report = admin("GET", "/admin/spend?group_by=key,route").json();
    if (report["total"]["requests"] == 5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the ledger
  } while (std::chrono::steady_clock::now() < deadline);

  ASSERT_EQ(report["total"]["requests"], 5) << report.dump();
  EXPECT_NEAR(report["total"]["cost_usd"].get<double>(), 0.0005, 1e-9) << report.dump();
  std::map<std::pair<std::string, std::string>, int> requests;
  for (const auto& row : report["data"]) requests[{row["key"], row["route"]}] = row["requests"];
  const std::map<std::pair<std::string, std::string>, int> expected = {
      {{"reporter", "fast"}, 3}, {{"reporter", "smart"}, 1}, {{"yaml-key", "smart"}, 1}};
  EXPECT_EQ(requests, expected) << report.dump();

  const auto by_deployment = admin("GET", "/admin/spend?group_by=deployment").json();
  ASSERT_EQ(by_deployment["data"].size(), 2u) << by_deployment.dump();
  EXPECT_EQ(by_deployment["data"][0]["deployment"], "mini");
  EXPECT_EQ(by_deployment["data"][0]["requests"], 3);

  // A range that ended before the requests is empty; bad parameters are 400s naming the field.
  EXPECT_EQ(admin("GET", "/admin/spend?from=2020-01-01&to=2020-01-02").json()["total"]["requests"], 0);
  EXPECT_EQ(admin("GET", "/admin/spend?from=yesterday").json()["error"]["param"], "from");
  EXPECT_EQ(admin("GET", "/admin/spend?group_by=prompt").json()["error"]["param"], "group_by");
  EXPECT_EQ(admin("GET", "/admin/spend?from=2030-01-02&to=2030-01-01").status, 400);
}

TEST_F(AdminKeys, ExplainStandsInForAClientKey) {
  startGateway(yaml());
  const auto key = createKey(R"({"name":"explained","tier":"free"})");

  // The tier route sends the free key to mini and the pro YAML key to large.
  const auto explain = [this](const std::string& client_key) {
    const json body = {{"model", "by-tier"}, {"key", client_key}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}};
    return admin("POST", "/admin/explain", body.dump());
  };
  const auto free_plan = explain(key);
  ASSERT_EQ(free_plan.status, 200) << free_plan.body;
  EXPECT_EQ(free_plan.json()["plan"]["candidates"][0]["deployment"], "mini") << free_plan.body;
  const auto pro_plan = explain(kYamlKey);
  ASSERT_EQ(pro_plan.status, 200) << pro_plan.body;
  EXPECT_EQ(pro_plan.json()["plan"]["candidates"][0]["deployment"], "large") << pro_plan.body;

  const json unknown = {{"model", "fast"}, {"key", "pm-unknown"}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}};
  const auto refused = admin("POST", "/admin/explain", unknown.dump());
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.json()["error"]["param"], "key");
}

}  // namespace
}  // namespace pointsman::test
