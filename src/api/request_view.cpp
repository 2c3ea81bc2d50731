#include <pointsman/api/request_view.hpp>

#include "api/thread_json_parser.hpp"

#include <array>
#include <optional>
#include <utility>

namespace pointsman::api {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::array<std::string_view, 6> kMessageRoles = {"system", "developer", "user", "assistant", "tool", "function"};

bool isNull(element value) { return value.type() == element_type::NULL_VALUE; }

std::string messagePath(std::size_t index) { return "messages[" + std::to_string(index) + "]"; }

std::optional<ApiError> validateMessage(element message, std::size_t index) {
  // The path is built only for an error, because most messages are valid and the string costs an
  // allocation.
  object fields;
  if (message.get_object().get(fields)) {
    const auto path = messagePath(index);
    return ApiError::invalidRequest(path + " must be an object", path);
  }

  std::string_view role;
  if (fields["role"].get_string().get(role)) {
    const auto path = messagePath(index);
    return ApiError::invalidRequest(path + ".role is required and must be a string", path + ".role");
  }
  bool known_role = false;
  for (const auto candidate : kMessageRoles) known_role = known_role || role == candidate;
  if (!known_role) {
    const auto path = messagePath(index);
    return ApiError::invalidRequest(path + ".role \"" + std::string(role) +
                                        "\" is not one of system, developer, user, assistant, tool, function",
                                    path + ".role");
  }

  element content;
  if (!fields["content"].get(content)) {
    const auto type = content.type();
    if (type != element_type::STRING && type != element_type::ARRAY && type != element_type::NULL_VALUE) {
      const auto path = messagePath(index);
      return ApiError::invalidRequest(path + ".content must be a string, an array of parts or null", path + ".content");
    }
  }
  return std::nullopt;
}

/// The top-level members that parseRequest reads, found in one pass over the body object.
/// A lookup by key scanned every member again, for each of about ten keys. Each slot keeps the
/// first member of its name, the one a lookup by key returns.
struct TopLevelMembers {
  int model_count = 0;
  std::optional<element> model;
  std::optional<element> stream;
  std::optional<element> max_tokens;
  std::optional<element> max_completion_tokens;
  std::optional<element> n;
  std::optional<element> messages;
  std::optional<element> prompt;
  std::optional<element> input;
  std::optional<element> stream_options;
  std::optional<element> user;
};

/// Each member name that parseRequest reads, with the slot that keeps it.
constexpr std::array<std::pair<std::string_view, std::optional<element> TopLevelMembers::*>, 10> kMemberSlots = {{
    {"model", &TopLevelMembers::model},
    {"messages", &TopLevelMembers::messages},
    {"stream", &TopLevelMembers::stream},
    {"max_tokens", &TopLevelMembers::max_tokens},
    {"max_completion_tokens", &TopLevelMembers::max_completion_tokens},
    {"n", &TopLevelMembers::n},
    {"stream_options", &TopLevelMembers::stream_options},
    {"user", &TopLevelMembers::user},
    {"prompt", &TopLevelMembers::prompt},
    {"input", &TopLevelMembers::input},
}};

TopLevelMembers findTopLevelMembers(object body) {
  TopLevelMembers members;
  for (const auto member : body) {
    const std::string_view key = member.key;
    if (key == "model") ++members.model_count;
    for (const auto& [name, slot] : kMemberSlots) {
      if (key != name) continue;
      auto& first_member = members.*slot;
      if (!first_member) first_member = member.value;
      break;
    }
  }
  return members;
}

std::optional<ApiError> validateChat(const std::optional<element>& messages) {
  if (!messages) return ApiError::invalidRequest("Missing required parameter: 'messages'.", "messages");
  simdjson::dom::array list;
  if (messages->get_array().get(list) || list.size() == 0) {
    return ApiError::invalidRequest("'messages' must be a non-empty array.", "messages");
  }
  std::size_t index = 0;
  for (element message : list) {
    if (auto error = validateMessage(message, index++)) return error;
  }
  return std::nullopt;
}

std::optional<ApiError> validateEndpointFields(Endpoint endpoint, const TopLevelMembers& members) {
  switch (endpoint) {
    case Endpoint::ChatCompletions:
      return validateChat(members.messages);
    case Endpoint::Completions:
      if (!members.prompt) return ApiError::invalidRequest("Missing required parameter: 'prompt'.", "prompt");
      return std::nullopt;
    case Endpoint::Embeddings: {
      if (!members.input) return ApiError::invalidRequest("Missing required parameter: 'input'.", "input");
      const element input = *members.input;
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

std::optional<ApiError> validateCommonFields(const TopLevelMembers& members, RequestView& view) {
  if (members.stream && !isNull(*members.stream)) {
    if (members.stream->get_bool().get(view.stream)) return ApiError::invalidRequest("'stream' must be a boolean.", "stream");
  }
  const std::array<std::pair<const char*, const std::optional<element>*>, 3> counts = {
      {{"max_tokens", &members.max_tokens}, {"max_completion_tokens", &members.max_completion_tokens}, {"n", &members.n}}};
  for (const auto& [field, value] : counts) {
    if (!*value || isNull(**value)) continue;
    int64_t number = 0;
    if ((*value)->get_int64().get(number) || number < 1) {
      return ApiError::invalidRequest(std::string("'") + field + "' must be an integer of at least 1.", field);
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> positiveInteger(const std::optional<element>& member) {
  std::int64_t value = 0;
  if (!member || member->get_int64().get(value) || value < 1) return std::nullopt;
  return value;
}

void readAccountingFields(const TopLevelMembers& members, RequestView& view) {
  view.max_output_tokens = positiveInteger(members.max_completion_tokens);
  if (!view.max_output_tokens) view.max_output_tokens = positiveInteger(members.max_tokens);

  object options;
  if (members.stream_options && !members.stream_options->get_object().get(options)) {
    view.has_stream_options = true;
    bool include = false;
    view.include_usage = !options["include_usage"].get_bool().get(include) && include;
  }
  std::string_view user;
  if (members.user && !members.user->get_string().get(user)) view.user = std::string(user);
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

  const auto members = findTopLevelMembers(fields);
  // A second `model` (also one spelled with escapes) would let the upstream, whose parser may keep
  // the last one, run a model no route allows.
  if (members.model_count > 1) {
    return ApiError::invalidRequest("'model' must appear only once in the request body.", "model");
  }

  RequestView view;
  if (!members.model) return ApiError::invalidRequest("Missing required parameter: 'model'.", "model");
  std::string_view model_name;
  if (members.model->get_string().get(model_name) || model_name.empty()) {
    return ApiError::invalidRequest("'model' must be a non-empty string.", "model");
  }
  view.model = std::string(model_name);

  if (auto error = validateCommonFields(members, view)) return *error;
  if (auto error = validateEndpointFields(endpoint, members)) return *error;
  readAccountingFields(members, view);
  return view;
}

}  // namespace pointsman::api
