#pragma once

#include <pointsman/config/loader.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pointsman::config {

/// State shared by every section parser during one load: the environment that `${VAR}` reads
/// and the errors and warnings found so far.
struct LoadContext {
  const EnvironmentLookup& environment;
  std::vector<ConfigError> errors;
  std::vector<std::string> warnings;

  void error(std::string path, std::string message) {
    errors.push_back(ConfigError{std::move(path), std::move(message)});
  }
  void warn(std::string message) { warnings.push_back(std::move(message)); }
};

/// "server" + "listen" gives "server.listen"; an empty parent gives the key alone. An empty key
/// shows as `""`, so the path still points at it.
inline std::string childPath(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (!path.empty()) {
    path += '.';
  }
  path += key.empty() ? std::string_view("\"\"") : key;
  return path;
}

/// "routes.auto.use" + 0 gives "routes.auto.use[0]".
inline std::string indexPath(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

/// Joins names with ", " for "defined providers: a, b" style messages.
inline std::string joinNames(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    if (!text.empty()) {
      text += ", ";
    }
    text += name;
  }
  return text;
}

}  // namespace pointsman::config
