#include "support/gateway_process.hpp"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "support/process_support.hpp"

namespace pointsman::test {
namespace {

constexpr auto kReadyTimeout = std::chrono::seconds(15);
constexpr auto kTerminateGrace = std::chrono::seconds(10);

std::uint16_t portOf(const std::string& hostPort) {
  std::size_t colon = hostPort.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("no port in \"" + hostPort + "\"");
  return static_cast<std::uint16_t>(std::stoi(hostPort.substr(colon + 1)));
}

}  // namespace

GatewayProcess::GatewayProcess(const std::string& yaml,
                               const std::map<std::string, std::string>& environment) {
  workDirectory_ = makeTemporaryDirectory("pointsman-it");
  configPath_ = workDirectory_ + "/pointsman.yaml";
  readyPath_ = workDirectory_ + "/ready.json";
  writeFileAtomically(configPath_, yaml);
  logPath_ =
      testLogDirectory() + "/it-" + currentTestName() + "-" + std::to_string(::getpid()) + ".log";
  std::filesystem::remove(logPath_);

  pid_ = spawnLogged({POINTSMAN_BINARY, "serve", "--config", configPath_, "--listen", "127.0.0.1:0",
                      "--admin-listen", "127.0.0.1:0", "--ready-file", readyPath_},
                     logPath_, environment);
  try {
    waitUntilReady();
  } catch (...) {
    // The destructor does not run for an object whose constructor throws.
    if (!exitCode_) terminateChild(pid_, kTerminateGrace);
    std::error_code ignored;
    std::filesystem::remove_all(workDirectory_, ignored);
    throw;
  }
}

GatewayProcess::~GatewayProcess() {
  if (pid_ > 0 && !exitCode_) terminateChild(pid_, kTerminateGrace);
  std::error_code ignored;
  std::filesystem::remove_all(workDirectory_, ignored);
}

// Polls the ready file because the gateway writes it once, after both listeners are bound.
void GatewayProcess::waitUntilReady() {
  auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto code = waitForChild(pid_, std::chrono::milliseconds(0))) {
      exitCode_ = code;
      throw std::runtime_error("gateway exited with code " + std::to_string(*code) +
                               " before it was ready; log " + logPath_ + ":\n" + logText());
    }
    std::string ready = readFile(readyPath_);
    auto parsed = nlohmann::json::parse(ready, nullptr, false);
    if (parsed.is_object() && parsed.contains("public") && parsed.contains("admin")) {
      publicPort_ = portOf(parsed["public"].get<std::string>());
      adminPort_ = portOf(parsed["admin"].get<std::string>());
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("gateway did not write its ready file within 15 s; log " + logPath_ +
                           ":\n" + logText());
}

void GatewayProcess::rewriteConfig(const std::string& yaml) {
  writeFileAtomically(configPath_, yaml);
}

void GatewayProcess::sendSignal(int signal) {
  if (!exitCode_) ::kill(pid_, signal);
}

std::optional<int> GatewayProcess::waitForExit(std::chrono::milliseconds timeout) {
  if (!exitCode_) exitCode_ = waitForChild(pid_, timeout);
  return exitCode_;
}

bool GatewayProcess::running() {
  if (exitCode_) return false;
  exitCode_ = waitForChild(pid_, std::chrono::milliseconds(0));
  return !exitCode_;
}

std::string GatewayProcess::logText() const { return readFile(logPath_); }

bool GatewayProcess::waitForLog(const std::string& text, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (logText().find(text) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace pointsman::test
