#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace pointsman::test {

/// The gateway as a child process: `pointsman serve` on 127.0.0.1 port 0 for both listeners,
/// with its config in a temporary file and its stdout and stderr in a log file under
/// `$POINTSMAN_TEST_LOG_DIR` (default `<build dir>/test-logs`). The destructor sends SIGTERM and
/// then SIGKILL if the process is still running 10 s later.
class GatewayProcess {
 public:
  /// Writes `yaml`, starts the gateway with `environment` added to this process's environment,
  /// and waits up to 15 s for the ready file. Throws std::runtime_error with the log on failure.
  explicit GatewayProcess(const std::string& yaml,
                          const std::map<std::string, std::string>& environment = {});
  ~GatewayProcess();

  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  [[nodiscard]] std::uint16_t publicPort() const { return publicPort_; }
  [[nodiscard]] std::uint16_t adminPort() const { return adminPort_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::string& configPath() const { return configPath_; }
  [[nodiscard]] const std::string& logPath() const { return logPath_; }

  /// Replaces the config file atomically (write a sibling file, then rename over it).
  void rewriteConfig(const std::string& yaml);
  void sendSignal(int signal);
  /// Waits for the process to exit; returns its exit code (128 + signal when killed).
  std::optional<int> waitForExit(std::chrono::milliseconds timeout);
  [[nodiscard]] bool running();
  /// Everything the gateway wrote to stdout and stderr so far.
  [[nodiscard]] std::string logText() const;
  /// Waits until the log contains `text`.
  [[nodiscard]] bool waitForLog(const std::string& text, std::chrono::milliseconds timeout) const;

 private:
  void waitUntilReady();

  std::string workDirectory_;
  std::string configPath_;
  std::string readyPath_;
  std::string logPath_;
  pid_t pid_ = -1;
  std::optional<int> exitCode_;
  std::uint16_t publicPort_ = 0;
  std::uint16_t adminPort_ = 0;
};

}  // namespace pointsman::test
