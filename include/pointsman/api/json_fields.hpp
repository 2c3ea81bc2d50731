#pragma once

// Lenient readers of JSON fields for the translators, which must accept whatever shape a client
// or an upstream sends and fall back to an empty value instead of throwing.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace pointsman::api {

/// Returns the string at `key`, or "" when `object` is not an object or the value is not a string.
inline std::string stringAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

/// Returns the number at `key` as an integer, or 0 when it is absent or not a number.
inline std::int64_t integerAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto found = object.find(key);
  return found != object.end() && found->is_number() ? found->get<std::int64_t>() : 0;
}

/// Returns the value at `key`, or null when `object` is not an object or has no such key.
inline const nlohmann::json& memberAt(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

/// Serializes `value` compactly, replacing invalid UTF-8 instead of throwing.
inline std::string dumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pointsman::api
