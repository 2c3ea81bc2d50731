// Provider keys given as canary values must not appear in any output of the gateway: its log at
// debug level, admin endpoints, metrics, or error bodies sent to clients.

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/loopback_port.hpp"
#include "support/process_support.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

constexpr const char* kQueryKeyCanary = "sk-test-CANARY-query-51d2e8";

class Secrets : public GatewayTest {
 protected:
  // Every string that would reveal a key, or a recognizable part of one.
  static void expectNoCanary(const std::string& output, const std::string& where) {
    EXPECT_EQ(output.find(kProviderKeyCanary), std::string::npos) << "provider key in " << where;
    EXPECT_EQ(output.find(kQueryKeyCanary), std::string::npos) << "query key in " << where;
    EXPECT_EQ(output.find("CANARY"), std::string::npos) << "part of a key in " << where;
  }
};

TEST_F(Secrets, CanaryKeysAppearInNoOutput) {
  ConfigBuilder config = defaultConfig();
  config
      .provider("dead", "http://127.0.0.1:" + std::to_string(unusedLoopbackPort()) + "/v1",
                "api_key: \"${PRIMARY_KEY}\", timeouts: { connect_ms: 500 }")
      .deployment("dead-mini", "dead", kUpstreamModel)
      .route("unlucky", {"mini", "backup-mini"})
      .route("nowhere", {"dead-mini"})
      .telemetryField("log_level: debug");
  startGateway(config.yaml());
  std::vector<std::string> clientBodies;

  HttpResponse valid = postChat(chatBody("mini"));
  EXPECT_EQ(valid.status, 200) << valid.body;
  clientBodies.push_back(valid.body);

  // An upstream 503 followed by a reset, and a refused connection.
  primary_.enqueue(Script().status(503, {}, errorJson("overloaded", "server_error")));
  backup_.enqueue(Script().reset());
  clientBodies.push_back(postChat(chatBody("unlucky")).body);
  HttpResponse refused = postChat(chatBody("nowhere"));
  EXPECT_GE(refused.status, 500);
  clientBodies.push_back(refused.body);

  // An upstream that rejects the key.
  primary_.enqueue(Script().status(
      401, {},
      errorJson("Incorrect API key provided", "invalid_request_error", "invalid_api_key")));
  HttpResponse rejected = postChat(chatBody("mini"));
  EXPECT_EQ(rejected.status, 502) << rejected.body;
  clientBodies.push_back(rejected.body);

  // A reload re-reads the same file; it must not print the resolved config either.
  gateway_->sendSignal(SIGHUP);
  EXPECT_EQ(postChat(chatBody("mini")).status, 200);

  HttpResponse adminConfig = adminGet("/admin/config");
  HttpResponse metrics = adminGet("/metrics");
  EXPECT_EQ(adminConfig.status, 200);
  EXPECT_EQ(metrics.status, 200);

  for (std::size_t i = 0; i < clientBodies.size(); ++i) {
    expectNoCanary(clientBodies[i], "client response " + std::to_string(i));
  }
  expectNoCanary(adminConfig.body, "/admin/config");
  expectNoCanary(metrics.body, "/metrics");
  expectNoCanary(gateway_->logText(), "the gateway log " + gateway_->logPath());
}

// Some providers quote the rejected key in their 401 message. The gateway's own key must still
// reach neither the client's 502 body nor the debug log.
TEST_F(Secrets, UpstreamEchoOfKeyIsNotRelayedOrLogged) {
  startGateway(defaultConfig().telemetryField("log_level: debug").yaml());
  std::string echo = "Incorrect API key provided: ";
  echo += kProviderKeyCanary;
  primary_.enqueue(
      Script().status(401, {}, errorJson(echo, "invalid_request_error", "invalid_api_key")));

  HttpResponse rejected = postChat(chatBody("mini"));

  EXPECT_EQ(rejected.status, 502) << rejected.body;
  expectNoCanary(rejected.body, "the 502 body");
  expectNoCanary(gateway_->logText(), "the gateway log " + gateway_->logPath());
}

// Some providers take their key in the URL query. Whether the gateway accepts such a base_url
// or rejects it, every message that quotes the URL must mask the query value.
TEST_F(Secrets, UrlQueryKeyIsMaskedInMessages) {
  ConfigBuilder config = defaultConfig();
  config.provider("querykey", backup_.baseUrl() + "?key=" + kQueryKeyCanary)
      .deployment("query-mini", "querykey", kUpstreamModel);
  const std::string directory = makeTemporaryDirectory("pointsman-it");
  const std::string configPath = directory + "/pointsman.yaml";
  writeFileAtomically(configPath, config.yaml());
  const std::string checkLog = testLogDirectory() + "/it-" + currentTestName() + "-check-" +
                               std::to_string(::getpid()) + ".log";
  std::filesystem::remove(checkLog);

  pid_t checker = spawnLogged({POINTSMAN_BINARY, "check-config", configPath}, checkLog,
                              {{"PRIMARY_KEY", kProviderKeyCanary}});
  std::optional<int> checkExit = waitForChild(checker, std::chrono::seconds(10));
  if (!checkExit) terminateChild(checker, std::chrono::seconds(2));
  std::string startupMessage;
  try {
    GatewayProcess gateway(config.yaml(), {{"PRIMARY_KEY", kProviderKeyCanary}});
    startupMessage = gateway.logText();
  } catch (const std::runtime_error& error) {
    startupMessage = error.what();
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory, ignored);

  EXPECT_TRUE(checkExit.has_value()) << "check-config did not exit within 10 s";
  expectNoCanary(readFile(checkLog), "check-config output");
  expectNoCanary(startupMessage, "the gateway start-up log");
}

}  // namespace
}  // namespace pointsman::test
