#pragma once

#include <string>

namespace pointsman::app {

/// `pointsman serve` options from the command line; each overrides the config file.
struct ServeOptions {
  std::string config_path;
  std::string listen;        // empty: server.listen
  std::string admin_listen;  // empty: server.admin_listen
  /// When set, `{"public":"HOST:PORT","admin":"HOST:PORT"}` is written here once both
  /// listeners are up, so tests and scripts can use port 0.
  std::string ready_file;
};

/// Runs the gateway until SIGTERM or SIGINT and the drain that follows. Returns the exit code.
int runGateway(const ServeOptions& options);

/// `pointsman check-config FILE`: prints every problem and returns 1, or prints a summary and
/// returns 0.
int checkConfig(const std::string& path);

}  // namespace pointsman::app
