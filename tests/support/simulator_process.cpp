#include "support/simulator_process.hpp"

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <stdexcept>
#include <thread>

#include "support/process_support.hpp"

namespace pointsman::test {

SimulatorProcess::SimulatorProcess(const std::vector<std::string>& extraArguments) {
  logPath_ =
      testLogDirectory() + "/sim-" + currentTestName() + "-" + std::to_string(::getpid()) + ".log";
  std::filesystem::remove(logPath_);
  std::vector<std::string> arguments{POINTSMAN_SIM_BINARY, "--listen", "127.0.0.1:0"};
  arguments.insert(arguments.end(), extraArguments.begin(), extraArguments.end());
  pid_ = spawnLogged(arguments, logPath_, {});

  const std::regex listening(R"(listening on 127\.0\.0\.1:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    std::string log = logText();
    if (std::regex_search(log, match, listening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(match[1].str()));
      return;
    }
    if (auto code = waitForChild(pid_, std::chrono::milliseconds(0))) {
      pid_ = -1;
      throw std::runtime_error("simulator exited with code " + std::to_string(*code) +
                               " before it listened; log:\n" + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  terminateChild(pid_, std::chrono::seconds(2));
  pid_ = -1;
  throw std::runtime_error("simulator printed no \"listening on\" line within 15 s; log:\n" +
                           logText());
}

SimulatorProcess::~SimulatorProcess() {
  if (pid_ > 0) terminateChild(pid_, std::chrono::seconds(10));
}

std::string SimulatorProcess::baseUrl() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

std::string SimulatorProcess::logText() const { return readFile(logPath_); }

}  // namespace pointsman::test
