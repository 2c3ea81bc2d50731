#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace pointsman::test {

/// The upstream simulator as a child process on 127.0.0.1 port 0. The port is read from the
/// "listening on 127.0.0.1:PORT" line it prints. The destructor stops it (SIGTERM, then SIGKILL).
class SimulatorProcess {
 public:
  explicit SimulatorProcess(const std::vector<std::string>& extraArguments = {});
  ~SimulatorProcess();

  SimulatorProcess(const SimulatorProcess&) = delete;
  SimulatorProcess& operator=(const SimulatorProcess&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT/v1".
  [[nodiscard]] std::string baseUrl() const;
  [[nodiscard]] std::string logText() const;

 private:
  std::string logPath_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace pointsman::test
