#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pointsman::config {

/// Parses a base-10 integer with an optional sign and nothing else around it.
std::optional<std::int64_t> parseInteger(std::string_view text);

/// Parses a finite decimal number such as "0.15", "3" or "1e-3". Rejects "nan" and "inf".
std::optional<double> parseNumber(std::string_view text);

/// Parses the YAML 1.2 core-schema booleans: true, false and their Title and UPPER case forms.
std::optional<bool> parseBool(std::string_view text);

}  // namespace pointsman::config
