#include "support/process_support.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace pointsman::test {

std::string makeTemporaryDirectory(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern + ": " + std::strerror(errno));
  }
  return std::string(buffer.data());
}

std::string testLogDirectory() {
  const char* configured = std::getenv("POINTSMAN_TEST_LOG_DIR");
  std::filesystem::path directory =
      configured && *configured
          ? std::filesystem::path(configured)
          : std::filesystem::path(POINTSMAN_BINARY).parent_path() / "test-logs";
  std::filesystem::create_directories(directory);
  return directory.string();
}

std::string currentTestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "no-test";
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

pid_t spawnLogged(const std::vector<std::string>& arguments, const std::string& logPath,
                  const std::map<std::string, std::string>& extraEnvironment) {
  std::map<std::string, std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    std::size_t equals = text.find('=');
    if (equals != std::string::npos) environment[text.substr(0, equals)] = text.substr(equals + 1);
  }
  for (const auto& [name, value] : extraEnvironment) environment[name] = value;

  std::vector<std::string> environmentText;
  for (const auto& [name, value] : environment) environmentText.push_back(name + "=" + value);
  std::vector<char*> environmentPointers;
  for (auto& text : environmentText) environmentPointers.push_back(text.data());
  environmentPointers.push_back(nullptr);

  std::vector<std::string> argumentCopies = arguments;
  std::vector<char*> argumentPointers;
  for (auto& argument : argumentCopies) argumentPointers.push_back(argument.data());
  argumentPointers.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, logPath.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);

  pid_t pid = -1;
  int result = ::posix_spawn(&pid, argumentPointers[0], &actions, nullptr, argumentPointers.data(),
                             environmentPointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (result != 0) {
    throw std::runtime_error("posix_spawn " + arguments[0] + " failed: " + std::strerror(result));
  }
  return pid;
}

std::optional<int> waitForChild(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
    if (reaped < 0) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    // waitpid has no timeout; polling every 5 ms keeps the wait bounded without a signal handler.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void terminateChild(pid_t pid, std::chrono::milliseconds grace) {
  if (::kill(pid, SIGTERM) != 0) {
    waitForChild(pid, std::chrono::milliseconds(0));
    return;
  }
  if (waitForChild(pid, grace)) return;
  ::kill(pid, SIGKILL);
  waitForChild(pid, std::chrono::seconds(5));
}

std::string readFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

void writeFileAtomically(const std::string& path, const std::string& content) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << content;
    if (!file) throw std::runtime_error("cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace pointsman::test
