#pragma once

#include <pointsman/config/loader.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pointsman::config {

/// Result of expanding `${VAR}` references in one scalar.
struct Expansion {
  std::string text;
  /// Variables the scalar referred to, in order of appearance, so a warning can name them.
  std::vector<std::string> variables;
  /// First problem found, worded for a ConfigError message. Empty on success.
  std::string error;

  [[nodiscard]] bool ok() const { return error.empty(); }
};

/// Expands `${NAME}`, `${NAME:-default}` and `$$` in `text`. As in POSIX shells, the default
/// replaces a variable that is unset or empty. A `$` followed by anything else stays literal.
/// An unset variable without a default, a missing `}` or an invalid name is an error.
Expansion expandVariables(std::string_view text, const EnvironmentLookup& environment);

}  // namespace pointsman::config
