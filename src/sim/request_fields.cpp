#include "sim/request_fields.hpp"

#include <nlohmann/json.hpp>

namespace pointsman::sim {
namespace {

const nlohmann::json* findField(const nlohmann::json& object, std::string_view key) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) {
    return nullptr;
  }
  return &*found;
}

}  // namespace

std::optional<FieldError> readModel(const nlohmann::json& body, std::string& model) {
  const auto* field = findField(body, "model");
  if (field == nullptr || !field->is_string() || field->get_ref<const std::string&>().empty()) {
    return FieldError{"'model' is missing or is not a non-empty string", "model"};
  }
  model = field->get<std::string>();
  return std::nullopt;
}

std::optional<FieldError> readOptionalInt(const nlohmann::json& object, std::string_view key,
                                          int min, int max, std::optional<int>& value) {
  const auto* field = findField(object, key);
  if (field == nullptr) {
    return std::nullopt;
  }

  const std::string name(key);
  if (!field->is_number_integer()) {
    return FieldError{"'" + name + "' must be an integer", name};
  }
  const auto number = field->get<std::int64_t>();
  if (number < min || number > max) {
    return FieldError{"'" + name + "' must be from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", got " + std::to_string(number),
                      name};
  }
  value = static_cast<int>(number);
  return std::nullopt;
}

std::optional<FieldError> readOptionalBool(const nlohmann::json& object, std::string_view key,
                                           bool& value) {
  const auto* field = findField(object, key);
  if (field == nullptr) {
    return std::nullopt;
  }
  if (!field->is_boolean()) {
    const std::string name(key);
    return FieldError{"'" + name + "' must be a boolean", name};
  }
  value = field->get<bool>();
  return std::nullopt;
}

}  // namespace pointsman::sim
