// Client keys, rate limits, budgets and cost reporting through a real gateway in front of the
// simulator, which bills exactly `max_tokens` as completion tokens.

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include <pointsman/accounting/key_registry.hpp>

#include "support/gateway_test.hpp"
#include "support/prometheus_text.hpp"
#include "support/simulator_process.hpp"
#include "support/sse_events.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

constexpr const char* kClientKey = "sk-client-acme-1";
constexpr const char* kOtherKey = "sk-client-free-2";

class AccountingKeys : public GatewayTest {
 protected:
  void start(const std::string& accounting_yaml) {
    simulator_ = std::make_unique<SimulatorProcess>(std::vector<std::string>{"--ttft-ms", "1"});
    ConfigBuilder config;
    config.serverField("drain_timeout_ms: 3000")
        .provider("sim", simulator_->baseUrl(), "forward_headers: [x-sim-fault]")
        .deployment("mini", "sim", kUpstreamModel, "price: { input: 1.0, output: 10.0 }")
        .route("fast", {"mini"})
        .auth("keys")
        .rawBlock(accounting_yaml);
    startGateway(config.yaml());
  }

  void TearDown() override {
    GatewayTest::TearDown();
    simulator_.reset();
  }

  static std::string keyEntry(const std::string& name, const std::string& key, const std::string& fields = {}) {
    return "  - { name: " + name + ", key_sha256: \"" + accounting::sha256Hex(key) + "\"" +
           (fields.empty() ? "" : ", " + fields) + " }\n";
  }

  static HeaderList bearer(const std::string& key) { return {{"authorization", "Bearer " + key}}; }

  static std::string body(int max_tokens, bool stream = false, const std::string& extra = {}) {
    return R"({"model":"fast","max_tokens":)" + std::to_string(max_tokens) +
           R"(,"messages":[{"role":"user","content":"hi"}])" + (stream ? R"(,"stream":true)" : "") + extra + "}";
  }

  std::unique_ptr<SimulatorProcess> simulator_;
};

TEST_F(AccountingKeys, MissingOrUnknownKeyGets401) {
  start("keys:\n" + keyEntry("acme", kClientKey));

  const auto missing = postChat(body(5));
  EXPECT_EQ(missing.status, 401) << missing.body;
  const auto error = json::parse(missing.body);
  EXPECT_EQ(error["error"]["code"], "missing_api_key");
  EXPECT_TRUE(error["error"].contains("param"));

  const auto unknown = postChat(body(5), bearer("sk-nope"));
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(json::parse(unknown.body)["error"]["code"], "invalid_api_key");
  EXPECT_EQ(unknown.body.find("sk-nope"), std::string::npos);

  EXPECT_EQ(postChat(body(5), bearer(kClientKey)).status, 200);
  EXPECT_EQ(postChat(body(5), {{"api-key", kClientKey}}).status, 200);
}

TEST_F(AccountingKeys, CostHeaderMatchesPriceAndUsage) {
  start("keys:\n" + keyEntry("acme", kClientKey));
  const auto response = postChat(body(7), bearer(kClientKey));
  ASSERT_EQ(response.status, 200) << response.body;
  const auto usage = json::parse(response.body)["usage"];
  const double expected = usage["prompt_tokens"].get<double>() * 1e-6 + 7 * 10e-6;
  EXPECT_NEAR(std::stod(response.header("x-pointsman-cost-usd")), expected, 1e-6) << response.header("x-pointsman-cost-usd");
}

TEST_F(AccountingKeys, RouteNotAllowedLooksLikeUnknownModel) {
  start("keys:\n" + keyEntry("acme", kClientKey, "routes: [fast]"));
  const auto direct = postChat(body(5).replace(body(5).find("fast"), 4, "mini"), bearer(kClientKey));
  EXPECT_EQ(direct.status, 404) << direct.body;
  EXPECT_EQ(json::parse(direct.body)["error"]["code"], "model_not_found");
  EXPECT_EQ(postChat(body(5), bearer(kClientKey)).status, 200);
}

TEST_F(AccountingKeys, RequestRateLimitAnswers429WithHeaders) {
  start("tiers: { free: { rpm: 2 } }\nkeys:\n" + keyEntry("free-key", kOtherKey, "tier: free"));
  const auto first = postChat(body(3), bearer(kOtherKey));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("x-ratelimit-limit-requests"), "2");
  EXPECT_EQ(first.header("x-ratelimit-remaining-requests"), "1");
  EXPECT_FALSE(first.header("x-ratelimit-reset-requests").empty());
  ASSERT_EQ(postChat(body(3), bearer(kOtherKey)).status, 200);

  const auto limited = postChat(body(3), bearer(kOtherKey));
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(json::parse(limited.body)["error"]["code"], "rate_limit_exceeded");
  EXPECT_EQ(limited.header("x-ratelimit-remaining-requests"), "0");
  EXPECT_GE(std::stoi(limited.header("retry-after")), 1);

  const std::string text = waitForMetrics([](const std::string& exposition) {
    return metricSum(exposition, "pointsman_rate_limit_rejections_total", R"(tier="free")").value_or(0) >= 1;
  });
  EXPECT_EQ(metricSum(text, "pointsman_rate_limit_rejections_total", R"(tier="free",kind="requests")").value_or(0), 1)
      << text;
}

TEST_F(AccountingKeys, BudgetAdmitsExactlyWhatFits) {
  // Each request reserves its prompt estimate at 1 USD/M plus 100 output tokens at 10 USD/M:
  // about 0.00102 USD, so a 0.0035 USD budget fits three.
  start("keys:\n" + keyEntry("acme", kClientKey, "budget: { usd: 0.0035, per: day }"));
  int admitted = 0;
  int rejected = 0;
  for (int i = 0; i < 5; ++i) {
    const auto response = postChat(body(100), bearer(kClientKey));
    if (response.status == 200) ++admitted;
    if (response.status == 429) {
      ++rejected;
      EXPECT_EQ(json::parse(response.body)["error"]["code"], "budget_exhausted") << response.body;
    }
  }
  EXPECT_EQ(admitted, 3);
  EXPECT_EQ(rejected, 2);
}

TEST_F(AccountingKeys, StreamHidesUnrequestedUsageChunk) {
  // The gateway requests usage from the upstream, but a client that did not request it never
  // receives the usage-only chunk.
  start("keys:\n" + keyEntry("acme", kClientKey));
  auto stream = openStream(body(4, true), bearer(kClientKey));
  const auto events = stream->readAll(kWait);
  ASSERT_FALSE(events.empty());
  for (const auto& event : events) {
    if (event.data == "[DONE]") continue;
    const auto chunk = json::parse(event.data);
    EXPECT_FALSE(chunk.contains("usage") && chunk["usage"].is_object()) << event.data;
    EXPECT_FALSE(chunk["choices"].empty()) << event.data;
  }
  EXPECT_EQ(events.back().data, "[DONE]");
  const std::string text = waitForMetrics([](const std::string& exposition) {
    return metricSum(exposition, "pointsman_tokens_total", R"(kind="completion")").value_or(0) >= 4;
  });
  EXPECT_EQ(metricSum(text, "pointsman_tokens_total", R"(kind="completion")").value_or(0), 4) << text;
  EXPECT_EQ(metricSum(text, "pointsman_estimated_costs_total").value_or(0), 0) << text;
}

TEST_F(AccountingKeys, CutStreamChargesWhatItRelayed) {
  // The simulator resets the connection after 10 events, so no usage arrives. The charge is
  // then the estimated prompt plus one output token per relayed event, not the worst case of
  // 400 output tokens.
  start("keys:\n" + keyEntry("acme", kClientKey));
  HeaderList headers = bearer(kClientKey);
  headers.emplace_back("x-sim-fault", "reset_after_events=10");
  auto stream = openStream(body(400, true), headers);
  const auto events = stream->readAll(kWait);
  ASSERT_FALSE(events.empty());

  json report;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    report = json::parse(adminGet("/admin/spend").body);
    if (report["total"]["requests"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the ledger
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(report["total"]["requests"], 1) << report.dump();

  const auto completion_tokens = report["total"]["completion_tokens"].get<int>();
  EXPECT_GE(completion_tokens, 8) << report.dump();
  EXPECT_LE(completion_tokens, 10) << report.dump();
  EXPECT_GT(report["total"]["prompt_tokens"].get<int>(), 0) << report.dump();
  // Input costs 1 USD and output 10 USD per million tokens.
  const double expected_usd = (report["total"]["prompt_tokens"].get<int>() * 1.0 + completion_tokens * 10.0) / 1e6;
  EXPECT_NEAR(report["total"]["cost_usd"].get<double>(), expected_usd, 1e-9) << report.dump();
  const std::string text = waitForMetrics([](const std::string& exposition) {
    return metricSum(exposition, "pointsman_estimated_costs_total").value_or(0) >= 1;
  });
  EXPECT_EQ(metricSum(text, "pointsman_estimated_costs_total").value_or(0), 1) << text;
}

TEST_F(AccountingKeys, IncludeUsageGetsOneUsageChunk) {
  start("keys:\n" + keyEntry("acme", kClientKey));
  auto stream = openStream(body(4, true, R"(,"stream_options":{"include_usage":true})"), bearer(kClientKey));
  const auto events = stream->readAll(kWait);
  int usage_chunks = 0;
  bool done_seen = false;
  for (const auto& event : events) {
    if (event.data == "[DONE]") {
      done_seen = true;
      continue;
    }
    EXPECT_FALSE(done_seen) << "an event after [DONE]: " << event.data;
    const auto chunk = json::parse(event.data);
    if (chunk.contains("usage") && chunk["usage"].is_object()) {
      ++usage_chunks;
      EXPECT_TRUE(chunk["choices"].empty()) << event.data;
      EXPECT_EQ(chunk["usage"]["completion_tokens"], 4);
    }
  }
  EXPECT_EQ(usage_chunks, 1);
  EXPECT_TRUE(done_seen);
}

TEST_F(AccountingKeys, RawStreamEndsWithCostComment) {
  start("keys:\n" + keyEntry("acme", kClientKey));
  const auto response = post(gateway_->publicPort(), "/v1/chat/completions", body(4, true), bearer(kClientKey), kWait);
  ASSERT_EQ(response.status, 200);
  const auto comment = response.body.rfind(": pointsman-cost-usd=");
  ASSERT_NE(comment, std::string::npos) << response.body;
  EXPECT_GT(comment, response.body.find("[DONE]"));
  EXPECT_EQ(response.body.find("\"usage\":{"), std::string::npos) << response.body;
}

}  // namespace
}  // namespace pointsman::test
