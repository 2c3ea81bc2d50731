#include "config/scalar_parsing.hpp"

#include <charconv>
#include <cmath>

namespace pointsman::config {

std::optional<std::int64_t> parseInteger(std::string_view text) {
  // from_chars rejects a leading '+', which YAML allows.
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }

  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, status] = std::from_chars(text.data(), end, value);
  if (text.empty() || status != std::errc() || stop != end) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parseNumber(std::string_view text) {
  // from_chars rejects a leading '+', which YAML allows.
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }

  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, status] = std::from_chars(text.data(), end, value);
  if (text.empty() || status != std::errc() || stop != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> parseBool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  return std::nullopt;
}

}  // namespace pointsman::config
