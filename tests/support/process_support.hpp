#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pointsman::test {

/// Creates a fresh directory under $TMPDIR (or /tmp) and returns its path.
std::string makeTemporaryDirectory(const std::string& prefix);

/// Directory for child process logs: $POINTSMAN_TEST_LOG_DIR, else `test-logs` beside the built
/// gateway binary. Created when missing.
std::string testLogDirectory();

/// A file name part built from the running GoogleTest test, e.g. "Failover.NextDeployment".
std::string currentTestName();

/// Starts `arguments[0]` with stdout and stderr appended to `logPath` and `extraEnvironment`
/// added to (or replacing in) this process's environment. Throws when the spawn fails.
pid_t spawnLogged(const std::vector<std::string>& arguments, const std::string& logPath,
                  const std::map<std::string, std::string>& extraEnvironment);

/// Reaps `pid` if it exited, waiting up to `timeout`; returns the exit code (128 + signal).
std::optional<int> waitForChild(pid_t pid, std::chrono::milliseconds timeout);

/// Sends SIGTERM, then SIGKILL after `grace`, and reaps the child.
void terminateChild(pid_t pid, std::chrono::milliseconds grace);

std::string readFile(const std::string& path);
void writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace pointsman::test
