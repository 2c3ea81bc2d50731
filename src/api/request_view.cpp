#include <pointsman/api/request_view.hpp>

#include "api/thread_json_parser.hpp"

#include <array>

namespace pointsman::api {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::array<std::string_view, 6> kMessageRoles = {"system", "developer", "user", "assistant", "tool", "function"};

bool isNull(element value) { return value.type() == element_type::NULL_VALUE; }

std::optional<ApiError> validateMessage(element message, std::size_t index) {
  const std::string path = "messages[" + std::to_string(index) + "]";
  object fields;
  if (message.get_object().get(fields)) return ApiError::invalidRequest(path + " must be an object", path);

  std::string_view role;
  if (fields["role"].get_string().get(role)) {
    return ApiError::invalidRequest(path + ".role is required and must be a string", path + ".role");
  }
  bool known_role = false;
  for (const auto candidate : kMessageRoles) known_role = known_role || role == candidate;
  if (!known_role) {
    return ApiError::invalidRequest(path + ".role \"" + std::string(role) +
                                        "\" is not one of system, developer, user, assistant, tool, function",
                                    path + ".role");
  }

  element content;
  if (!fields["content"].get(content)) {
    const auto type = content.type();
    if (type != element_type::STRING && type != element_type::ARRAY && type != element_type::NULL_VALUE) {
      return ApiError::invalidRequest(path + ".content must be a string, an array of parts or null", path + ".content");
    }
  }
  return std::nullopt;
}

std::optional<ApiError> validateChat(object body) {
  element messages;
  if (body["messages"].get(messages)) return ApiError::invalidRequest("Missing required parameter: 'messages'.", "messages");
  simdjson::dom::array list;
  if (messages.get_array().get(list) || list.size() == 0) {
    return ApiError::invalidRequest("'messages' must be a non-empty array.", "messages");
  }
  std::size_t index = 0;
  for (element message : list) {
    if (auto error = validateMessage(message, index++)) return error;
  }
  return std::nullopt;
}

std::optional<ApiError> validateEndpointFields(Endpoint endpoint, object body) {
  switch (endpoint) {
    case Endpoint::ChatCompletions:
      return validateChat(body);
    case Endpoint::Completions:
      if (body["prompt"].error()) return ApiError::invalidRequest("Missing required parameter: 'prompt'.", "prompt");
      return std::nullopt;
    case Endpoint::Embeddings: {
      element input;
      if (body["input"].get(input)) return ApiError::invalidRequest("Missing required parameter: 'input'.", "input");
      simdjson::dom::array list;
      const bool non_empty_array = !input.get_array().get(list) && list.size() > 0;
      if (input.type() != element_type::STRING && !non_empty_array) {
        return ApiError::invalidRequest("'input' must be a string or a non-empty array.", "input");
      }
      return std::nullopt;
    }
    case Endpoint::Passthrough:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<ApiError> validateCommonFields(object body, RequestView& view) {
  element stream;
  if (!body["stream"].get(stream) && !isNull(stream)) {
    if (stream.get_bool().get(view.stream)) return ApiError::invalidRequest("'stream' must be a boolean.", "stream");
  }
  for (const char* field : {"max_tokens", "max_completion_tokens", "n"}) {
    element value;
    if (body[field].get(value) || isNull(value)) continue;
    int64_t number = 0;
    if (value.get_int64().get(number) || number < 1) {
      return ApiError::invalidRequest(std::string("'") + field + "' must be an integer of at least 1.", field);
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> positiveInteger(object body, const char* key) {
  std::int64_t value = 0;
  if (body[key].get_int64().get(value) || value < 1) return std::nullopt;
  return value;
}

void readAccountingFields(object body, RequestView& view) {
  view.max_output_tokens = positiveInteger(body, "max_completion_tokens");
  if (!view.max_output_tokens) view.max_output_tokens = positiveInteger(body, "max_tokens");

  object options;
  if (!body["stream_options"].get_object().get(options)) {
    view.has_stream_options = true;
    bool include = false;
    view.include_usage = !options["include_usage"].get_bool().get(include) && include;
  }
  std::string_view user;
  if (!body["user"].get_string().get(user)) view.user = std::string(user);
}

}  // namespace

std::variant<RequestView, ApiError> parseRequest(Endpoint endpoint, std::string_view body) {
  element document;
  if (threadJsonParser().parse(body.data(), body.size()).get(document)) {
    return ApiError::invalidRequest(
        "The request body is not valid JSON. Send a JSON object with Content-Type: application/json.");
  }
  object fields;
  if (document.get_object().get(fields)) return ApiError::invalidRequest("The request body must be a JSON object.");

  // A second `model` (also one spelled with escapes) would let the upstream, whose parser may keep
  // the last one, run a model no route allows.
  int model_members = 0;
  for (const auto member : fields) model_members += member.key == "model" ? 1 : 0;
  if (model_members > 1) return ApiError::invalidRequest("'model' must appear only once in the request body.", "model");

  RequestView view;
  element model;
  if (fields["model"].get(model)) return ApiError::invalidRequest("Missing required parameter: 'model'.", "model");
  std::string_view model_name;
  if (model.get_string().get(model_name) || model_name.empty()) {
    return ApiError::invalidRequest("'model' must be a non-empty string.", "model");
  }
  view.model = std::string(model_name);

  if (auto error = validateCommonFields(fields, view)) return *error;
  if (auto error = validateEndpointFields(endpoint, fields)) return *error;
  readAccountingFields(fields, view);
  return view;
}

}  // namespace pointsman::api
