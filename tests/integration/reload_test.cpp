// SIGHUP reload: an invalid file keeps the old snapshot, a valid one applies to new requests
// only, streams in flight finish, and reloads under load or in bursts lose nothing.

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/gateway_test.hpp"
#include "support/process_support.hpp"
#include "support/prometheus_text.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kFailures = "pointsman_config_reload_failures_total";
constexpr const char* kLastSuccess = "pointsman_config_last_reload_success";

class Reload : public GatewayTest {
 protected:
  double metric(const std::string& name) {
    return metricSum(adminGet("/metrics").body, name).value_or(-1);
  }

  // Polls until `condition` holds; the gateway applies a reload asynchronously after SIGHUP.
  static bool eventually(const std::function<bool()>& condition,
                         milliseconds timeout = milliseconds(5000)) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return condition();
  }

  static std::vector<std::string> linesContaining(const std::string& text,
                                                  const std::string& fragment) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      if (line.find(fragment) != std::string::npos) lines.push_back(line);
      start = end + 1;
    }
    return lines;
  }

  static bool mentionsError(std::string line) {
    for (char& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return line.find("error") != std::string::npos;
  }

  std::size_t openFileDescriptors() {
    std::size_t count = 0;
    std::error_code error;
    for (auto it = std::filesystem::directory_iterator(
             "/proc/" + std::to_string(gateway_->pid()) + "/fd", error);
         !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
      ++count;
    }
    return count;
  }
};

struct InvalidConfig {
  const char* name;
  /// Builds the broken file from the valid default config.
  std::function<std::string(const std::string& validYaml)> breakConfig;
  /// A fragment the single error line must contain; empty means the config file path.
  const char* messageFragment;

  // Shows the variant's name instead of its bytes in GoogleTest output.
  friend void PrintTo(const InvalidConfig& variant, std::ostream* out) { *out << variant.name; }
};

class InvalidReload : public Reload, public ::testing::WithParamInterface<InvalidConfig> {};

TEST_P(InvalidReload, KeepsOldSnapshotAndCountsFailure) {
  const InvalidConfig& variant = GetParam();
  const std::string validYaml = defaultConfig().yaml();
  startGateway(validYaml);
  ASSERT_EQ(postChat(chatBody("smart")).status, 200);
  double failuresBefore = std::max(metric(kFailures), 0.0);
  std::size_t logSizeBefore = gateway_->logText().size();

  // Every broken variant also adds route `extra`: a half-applied reload would make it work.
  std::string broken = variant.breakConfig(validYaml + "  extra: { use: [mini] }\n");
  if (broken.empty()) {
    std::filesystem::remove(gateway_->configPath());
  } else {
    gateway_->rewriteConfig(broken);
  }
  gateway_->sendSignal(SIGHUP);

  EXPECT_TRUE(eventually([&] { return metric(kFailures) >= failuresBefore + 1; }))
      << "the reload failure was not counted";
  EXPECT_EQ(metric(kLastSuccess), 0.0);
  EXPECT_TRUE(gateway_->running());
  HttpResponse afterReload = postChat(chatBody("smart"));
  EXPECT_EQ(afterReload.status, 200) << afterReload.body;
  EXPECT_EQ(afterReload.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(postChat(chatBody("extra")).status, 404);

  std::string newLog = gateway_->logText().substr(logSizeBefore);
  std::string fragment =
      *variant.messageFragment ? variant.messageFragment : gateway_->configPath();
  std::vector<std::string> lines = linesContaining(newLog, fragment);
  EXPECT_FALSE(lines.empty()) << "no log line names \"" << fragment << "\"; log since the reload:\n"
                              << newLog;
  // One error per failed reload, not one per stage that noticed it.
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(), mentionsError), 1)
      << "log since the reload:\n"
      << newLog;
  if (broken.empty()) gateway_->rewriteConfig(validYaml);
}

std::string replaceFirst(std::string text, const std::string& from, const std::string& to) {
  std::size_t position = text.find(from);
  if (position != std::string::npos) text.replace(position, from.size(), to);
  return text;
}

INSTANTIATE_TEST_SUITE_P(
    Variants, InvalidReload,
    ::testing::Values(
        InvalidConfig{"YamlSyntaxError",
                      [](const std::string& yaml) { return yaml + "models: [unclosed\n  : {\n"; },
                      ""},
        InvalidConfig{"UnknownDeployment",
                      [](const std::string& yaml) {
                        return replaceFirst(yaml, "use: [mini, backup-mini]",
                                            "use: [gpt5, backup-mini]");
                      },
                      "routes.smart.use[0]: unknown deployment \"gpt5\""},
        InvalidConfig{"NegativePrice",
                      [](const std::string& yaml) {
                        return replaceFirst(yaml, "context: 128000",
                                            "context: 128000, price: { input: -1, output: 0.6 }");
                      },
                      "models.mini.price.input"},
        InvalidConfig{"FileMissing", [](const std::string&) { return std::string(); }, ""}),
    [](const ::testing::TestParamInfo<InvalidConfig>& info) { return info.param.name; });

// A valid reload that removes `mini` while streams on it are in flight: they finish on their old
// snapshot, and new requests see the new config.
TEST_F(Reload, ValidReloadKeepsStreamsInFlight) {
  constexpr int kStreams = 4;
  constexpr int kEvents = 15;
  Script stream;
  stream.streamHeaders().chunk(roleEvent());
  for (int i = 0; i < kEvents; ++i) {
    stream.chunk(contentEvent("tok" + std::to_string(i) + " ")).delay(milliseconds(100));
  }
  stream.chunk(finishEvent()).chunk(doneEvent()).endChunked();
  primary_.setDefault(stream);
  startGateway();

  std::vector<std::unique_ptr<SseClient>> clients;
  for (int i = 0; i < kStreams; ++i) clients.push_back(openStream(chatBody("mini", true)));
  for (auto& client : clients) ASSERT_TRUE(client->nextEvent(kWait).has_value());

  ConfigBuilder withoutMini;
  withoutMini.serverField("stream_keepalive_ms: 200")
      .serverField("drain_timeout_ms: 3000")
      .provider("backup", backup_.baseUrl())
      .deployment("backup-mini", "backup", "backup-model")
      .route("smart", {"backup-mini"})
      .route("fresh", {"backup-mini"});
  gateway_->rewriteConfig(withoutMini.yaml());
  gateway_->sendSignal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return postChat(chatBody("fresh")).status == 200; }))
      << "the new config was not applied";

  for (int i = 0; i < kStreams; ++i) {
    std::vector<ReceivedEvent> rest = clients[i]->readAll(kWait);
    EXPECT_TRUE(clients[i]->ended()) << "stream " << i;
    ASSERT_FALSE(rest.empty()) << "stream " << i;
    EXPECT_EQ(rest.back().data, "[DONE]") << "stream " << i;
    EXPECT_EQ(clients[i]->rawBody().find("\"error\""), std::string::npos) << "stream " << i;
    EXPECT_NE(clients[i]->rawBody().find("tok14"), std::string::npos) << "stream " << i;
  }
  EXPECT_EQ(postChat(chatBody("mini")).status, 404);
  HttpResponse viaSmart = postChat(chatBody("smart"));
  EXPECT_EQ(viaSmart.status, 200);
  EXPECT_EQ(viaSmart.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(metric(kLastSuccess), 1.0);
}

TEST_F(Reload, FiftyReloadsInOneSecondLastConfigWins) {
  constexpr int kReloads = 50;
  auto configWithRoute = [&](int i) {
    return defaultConfig().route("r" + std::to_string(i), {"mini"}).yaml();
  };
  startGateway(configWithRoute(0));
  ASSERT_EQ(postChat(chatBody("r0")).status, 200);
  std::size_t descriptorsBefore = openFileDescriptors();

  for (int i = 1; i < kReloads; ++i) {
    gateway_->rewriteConfig(configWithRoute(i));
    gateway_->sendSignal(SIGHUP);
    // 50 reloads spread over about a second, as an operator's script in a loop would send them.
    std::this_thread::sleep_for(milliseconds(20));
  }

  const std::string last = "r" + std::to_string(kReloads - 1);
  EXPECT_TRUE(eventually([&] { return postChat(chatBody(last)).status == 200; }))
      << "the last config did not win";
  EXPECT_TRUE(gateway_->running());
  EXPECT_EQ(postChat(chatBody("r0")).status, 404);
  EXPECT_EQ(postChat(chatBody("smart")).status, 200);
  // A few descriptors of slack for pooled upstream connections and log files.
  EXPECT_LE(openFileDescriptors(), descriptorsBefore + 8);
}

// Listeners and client-connection limits are set up once; a reload that changes them keeps the
// running values, says so, and /admin/config shows what is in force.
TEST_F(Reload, RestartOnlySettingsKeepRunningValues) {
  startGateway(defaultConfig().yaml());

  gateway_->rewriteConfig(defaultConfig().serverField("max_body_bytes: 100").route("added", {"mini"}).yaml());
  gateway_->sendSignal(SIGHUP);

  EXPECT_TRUE(eventually([&] { return postChat(chatBody("added")).status == 200; })) << "the reload did not apply";
  const std::string long_body = R"({"model":"smart","messages":[{"role":"user","content":")" +
                                std::string(500, 'x') + R"("}]})";
  EXPECT_EQ(postChat(long_body).status, 200);
  const auto config = json::parse(adminGet("/admin/config").body);
  EXPECT_EQ(config["server"]["max_body_bytes"], 32u * 1024 * 1024);
  EXPECT_TRUE(eventually([&] { return gateway_->logText().find("server.max_body_bytes changed") != std::string::npos; }));
}

// Lowering the log level must not silence the request log, which is written whatever the level.
TEST_F(Reload, LogLevelKeepsRequestLog) {
  const auto request_log = std::filesystem::temp_directory_path() /
                           ("pointsman-request-log-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(request_log);
  auto config = [&](const char* level) {
    return defaultConfig().telemetryField(std::string("log_level: ") + level)
        .telemetryField("request_log: \"" + request_log.string() + "\"").yaml();
  };
  startGateway(config("info"));

  gateway_->rewriteConfig(config("warn"));
  gateway_->sendSignal(SIGHUP);
  ASSERT_TRUE(eventually([&] {
    return json::parse(adminGet("/admin/config").body)["telemetry"]["log_level"] == "warn";
  }));
  ASSERT_EQ(postChat(chatBody("smart")).status, 200);

  EXPECT_TRUE(eventually([&] {
    std::ifstream file(request_log);
    std::string line;
    int lines = 0;
    while (std::getline(file, line)) ++lines;
    return lines >= 1;
  })) << "no request-log line after lowering the log level";
  std::filesystem::remove(request_log);
}

TEST_F(Reload, SighupReopensRotatedRequestLog) {
  const auto directory = std::filesystem::path(makeTemporaryDirectory("pointsman-rotation"));
  const auto request_log = directory / "requests.jsonl";
  const auto rotated = directory / "requests.jsonl.1";
  startGateway(defaultConfig().telemetryField("request_log: \"" + request_log.string() + "\"").yaml());
  const auto line_count = [](const std::filesystem::path& path) {
    std::ifstream file(path);
    std::string line;
    int lines = 0;
    while (std::getline(file, line)) ++lines;
    return lines;
  };

  ASSERT_EQ(postChat(chatBody("smart")).status, 200);
  // Lines are flushed once a second, so wait for the first before moving the file.
  ASSERT_TRUE(eventually([&] { return line_count(request_log) == 1; }));

  // What logrotate does: rename the file, then signal the process to open the path again.
  std::filesystem::rename(request_log, rotated);
  gateway_->sendSignal(SIGHUP);
  ASSERT_TRUE(gateway_->waitForLog("config reloaded", std::chrono::seconds(10)));
  ASSERT_EQ(postChat(chatBody("smart")).status, 200);
  ASSERT_EQ(postChat(chatBody("smart")).status, 200);

  EXPECT_TRUE(eventually([&] { return line_count(request_log) == 2; })) << line_count(request_log);
  EXPECT_EQ(line_count(rotated), 1);
  std::filesystem::remove_all(directory);
}

TEST_F(Reload, ConcurrentTrafficLosesNoRequest) {
  constexpr int kThreads = 4;
  constexpr int kRequestsPerThread = 50;
  constexpr int kReloads = 10;
  startGateway();
  const std::uint16_t port = gateway_->publicPort();

  std::atomic<int> completed{0};
  std::vector<std::vector<int>> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequestsPerThread; ++i) {
        int status = 0;
        try {
          status = post(port, "/v1/chat/completions", chatBody("smart")).status;
        } catch (const std::exception&) {
          status = -1;
        }
        statuses[t].push_back(status);
        ++completed;
      }
    });
  }

  const int total = kThreads * kRequestsPerThread;
  for (int reload = 1; reload <= kReloads; ++reload) {
    // Spread the reloads over the run: wait until the next tenth of the requests has finished.
    int target = total * reload / (kReloads + 1);
    eventually([&] { return completed.load() >= target; }, milliseconds(20000));
    gateway_->rewriteConfig(
        defaultConfig().route("round" + std::to_string(reload), {"mini"}).yaml());
    gateway_->sendSignal(SIGHUP);
  }
  for (auto& thread : threads) thread.join();

  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(statuses[t].size(), static_cast<std::size_t>(kRequestsPerThread));
    for (int i = 0; i < kRequestsPerThread; ++i) {
      EXPECT_EQ(statuses[t][i], 200) << "thread " << t << " request " << i;
    }
  }
  EXPECT_TRUE(gateway_->running());
}

}  // namespace
}  // namespace pointsman::test
