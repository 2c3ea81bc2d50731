// Reads typed fields of a request body without exceptions and names the field that is invalid.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace pointsman::sim {

/// A request field that is missing or has the wrong type or value.
struct FieldError {
  std::string message;
  std::string param;
};

/// Reads the required, non-empty string `model`.
std::optional<FieldError> readModel(const nlohmann::json& body, std::string& model);

/// Reads an optional integer from `min` to `max`; leaves `value` unchanged when the field is
/// absent or null.
std::optional<FieldError> readOptionalInt(const nlohmann::json& object, std::string_view key,
                                          int min, int max, std::optional<int>& value);

/// Reads an optional boolean; leaves `value` unchanged when the field is absent or null.
std::optional<FieldError> readOptionalBool(const nlohmann::json& object, std::string_view key,
                                           bool& value);

}  // namespace pointsman::sim
