#pragma once

#include <pointsman/config/config.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::config {

/// One problem in a config file, with the YAML path it was found at, e.g.
/// path "routes.auto.use[0]", message "unknown deployment \"gpt5\"; defined deployments: mini, local".
struct ConfigError {
  std::string path;
  std::string message;

  [[nodiscard]] std::string toString() const;
};

/// Looks up an environment variable; tests pass their own.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The real process environment.
EnvironmentLookup processEnvironment();

struct LoadResult {
  /// Set only when `errors` is empty.
  std::shared_ptr<const Config> config;
  std::vector<ConfigError> errors;
  /// Non-fatal findings to log at load, e.g. a provider disabled because its key is empty.
  std::vector<std::string> warnings;

  [[nodiscard]] bool ok() const { return errors.empty(); }
};

/// Parses YAML text, expands `${VAR}` and `${VAR:-default}` in scalars, rejects unknown keys and
/// validates the whole document, collecting every error rather than stopping at the first.
/// `source_path` only labels messages and is stored in Config::source_path.
LoadResult loadConfigText(std::string_view yaml_text, const std::string& source_path,
                          const EnvironmentLookup& environment = processEnvironment());

/// Reads and loads a file; a missing or unreadable file is one error with an empty path.
LoadResult loadConfigFile(const std::string& path,
                          const EnvironmentLookup& environment = processEnvironment());

}  // namespace pointsman::config
