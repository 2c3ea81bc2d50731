#include <pointsman/api/request_validation.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <string>

namespace pointsman::api {
namespace {

using nlohmann::json;

constexpr std::array kMessageRoles = {"system", "developer", "user", "assistant", "tool", "function"};

std::optional<ApiError> validateMessage(const json& message, std::size_t index) {
  const std::string path = "messages[" + std::to_string(index) + "]";
  if (!message.is_object()) return ApiError::invalidRequest(path + " must be an object", path);

  const auto role = message.find("role");
  if (role == message.end() || !role->is_string()) {
    return ApiError::invalidRequest(path + ".role is required and must be a string", path + ".role");
  }
  bool known_role = false;
  for (const char* candidate : kMessageRoles) known_role = known_role || *role == candidate;
  if (!known_role) {
    return ApiError::invalidRequest(path + ".role \"" + role->get<std::string>() +
                                        "\" is not one of system, developer, user, assistant, tool",
                                    path + ".role");
  }

  const auto content = message.find("content");
  const bool content_ok = content == message.end() || content->is_null() || content->is_string() ||
                          content->is_array();
  if (!content_ok) {
    return ApiError::invalidRequest(path + ".content must be a string, an array of parts or null",
                                    path + ".content");
  }
  return std::nullopt;
}

std::optional<ApiError> validateChat(const json& body) {
  const auto messages = body.find("messages");
  if (messages == body.end()) return ApiError::invalidRequest("Missing required parameter: 'messages'.", "messages");
  if (!messages->is_array() || messages->empty()) {
    return ApiError::invalidRequest("'messages' must be a non-empty array.", "messages");
  }
  for (std::size_t index = 0; index < messages->size(); ++index) {
    if (auto error = validateMessage((*messages)[index], index)) return error;
  }
  return std::nullopt;
}

std::optional<ApiError> validateCommonFields(const json& body) {
  const auto stream = body.find("stream");
  if (stream != body.end() && !stream->is_boolean() && !stream->is_null()) {
    return ApiError::invalidRequest("'stream' must be a boolean.", "stream");
  }
  for (const char* field : {"max_tokens", "max_completion_tokens", "n"}) {
    const auto value = body.find(field);
    if (value == body.end() || value->is_null()) continue;
    if (!value->is_number_integer() || value->get<long long>() < 1) {
      return ApiError::invalidRequest(std::string("'") + field + "' must be an integer of at least 1.", field);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> validateRequest(Endpoint endpoint, const json& body) {
  if (!body.is_object()) return ApiError::invalidRequest("The request body must be a JSON object.");

  const auto model = body.find("model");
  if (model == body.end()) return ApiError::invalidRequest("Missing required parameter: 'model'.", "model");
  if (!model->is_string() || model->get_ref<const std::string&>().empty()) {
    return ApiError::invalidRequest("'model' must be a non-empty string.", "model");
  }

  if (auto error = validateCommonFields(body)) return error;

  switch (endpoint) {
    case Endpoint::ChatCompletions:
      return validateChat(body);
    case Endpoint::Completions:
      if (!body.contains("prompt")) return ApiError::invalidRequest("Missing required parameter: 'prompt'.", "prompt");
      return std::nullopt;
    case Endpoint::Embeddings: {
      const auto input = body.find("input");
      if (input == body.end()) return ApiError::invalidRequest("Missing required parameter: 'input'.", "input");
      if (!(input->is_string() || (input->is_array() && !input->empty()))) {
        return ApiError::invalidRequest("'input' must be a string or a non-empty array.", "input");
      }
      return std::nullopt;
    }
    case Endpoint::Passthrough:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace pointsman::api
