#include <pointsman/api/anthropic/messages_request.hpp>

#include <pointsman/api/json_fields.hpp>

#include <nlohmann/json.hpp>

#include <optional>

namespace pointsman::api::anthropic {
namespace {

using nlohmann::json;
using Failure = std::optional<ApiError>;

ApiError invalid(std::string message, std::string param) {
  return ApiError::invalidRequest(std::move(message), std::move(param));
}

/// Joins the text of a string or an array of text blocks.
std::string joinedText(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (!content.is_array()) return text;
  for (const auto& block : content) {
    if (stringAt(block, "type") == "text") text += (text.empty() ? "" : "\n") + stringAt(block, "text");
  }
  return text;
}

Failure imagePart(const json& block, const std::string& path, json& parts) {
  const auto& source = memberAt(block, "source");
  const auto type = stringAt(source, "type");
  std::string url;
  if (type == "base64") url = "data:" + stringAt(source, "media_type") + ";base64," + stringAt(source, "data");
  if (type == "url") url = stringAt(source, "url");
  if (url.empty()) return invalid(path + ".source must be a base64 or url image source", path + ".source");
  parts.push_back({{"type", "image_url"}, {"image_url", {{"url", url}}}});
  return std::nullopt;
}

/// A user turn: tool results first (as `tool` messages), then one user message with the rest.
Failure translateUserTurn(const json& content, const std::string& path, json& messages) {
  if (content.is_string()) {
    messages.push_back({{"role", "user"}, {"content", content}});
    return std::nullopt;
  }
  json parts = json::array();
  for (std::size_t i = 0; i < content.size(); ++i) {
    const auto& block = content[i];
    const std::string block_path = path + "[" + std::to_string(i) + "]";
    const auto type = stringAt(block, "type");
    if (type == "text") {
      parts.push_back({{"type", "text"}, {"text", stringAt(block, "text")}});
    } else if (type == "image") {
      if (auto error = imagePart(block, block_path, parts)) return error;
    } else if (type == "tool_result") {
      messages.push_back({{"role", "tool"}, {"tool_call_id", stringAt(block, "tool_use_id")},
                          {"content", joinedText(memberAt(block, "content"))}});
    } else {
      return invalid("content block type `" + type + "` at " + block_path + " is not supported", block_path);
    }
  }
  if (!parts.empty()) messages.push_back({{"role", "user"}, {"content", std::move(parts)}});
  return std::nullopt;
}

Failure translateAssistantTurn(const json& content, json& messages) {
  if (content.is_string()) {
    messages.push_back({{"role", "assistant"}, {"content", content}});
    return std::nullopt;
  }
  std::string text;
  json calls = json::array();
  for (const auto& block : content) {
    const auto type = stringAt(block, "type");
    if (type == "text") text += stringAt(block, "text");
    if (type != "tool_use") continue;  // thinking blocks are not sent to OpenAI-compatible models
    const auto& input = memberAt(block, "input");
    calls.push_back({{"id", stringAt(block, "id")},
                     {"type", "function"},
                     {"function", {{"name", stringAt(block, "name")},
                                   {"arguments", input.is_null() ? "{}" : input.dump(-1, ' ', false, json::error_handler_t::replace)}}}});
  }
  json message = {{"role", "assistant"}, {"content", text.empty() && !calls.empty() ? json() : json(text)}};
  if (!calls.empty()) message["tool_calls"] = std::move(calls);
  messages.push_back(std::move(message));
  return std::nullopt;
}

Failure translateMessages(const json& request, json& messages) {
  const auto system = joinedText(memberAt(request, "system"));
  if (!system.empty()) messages.push_back({{"role", "system"}, {"content", system}});

  const auto& turns = memberAt(request, "messages");
  if (!turns.is_array() || turns.empty()) return invalid("messages: a non-empty array is required", "messages");
  for (std::size_t i = 0; i < turns.size(); ++i) {
    const std::string path = "messages[" + std::to_string(i) + "]";
    const auto role = stringAt(turns[i], "role");
    const auto& content = memberAt(turns[i], "content");
    if (!content.is_string() && !content.is_array()) {
      return invalid(path + ".content must be a string or an array of blocks", path + ".content");
    }
    Failure error;
    if (role == "user") {
      error = translateUserTurn(content, path + ".content", messages);
    } else if (role == "assistant") {
      error = translateAssistantTurn(content, messages);
    } else {
      error = invalid(path + ".role must be user or assistant", path + ".role");
    }
    if (error) return error;
  }
  return std::nullopt;
}

Failure translateTools(const json& request, json& chat) {
  const auto& tools = memberAt(request, "tools");
  if (tools.is_array() && !tools.empty()) {
    chat["tools"] = json::array();
    for (const auto& tool : tools) {
      const auto& schema = memberAt(tool, "input_schema");
      if (!schema.is_object()) return invalid("tools: only custom tools with an input_schema are supported", "tools");
      json function = {{"name", stringAt(tool, "name")}, {"parameters", schema}};
      if (const auto description = stringAt(tool, "description"); !description.empty()) function["description"] = description;
      chat["tools"].push_back({{"type", "function"}, {"function", std::move(function)}});
    }
  }
  const auto& choice = memberAt(request, "tool_choice");
  const auto type = stringAt(choice, "type");
  if (type == "auto" || type == "none") chat["tool_choice"] = type;
  if (type == "any") chat["tool_choice"] = "required";
  if (type == "tool") chat["tool_choice"] = {{"type", "function"}, {"function", {{"name", stringAt(choice, "name")}}}};
  if (memberAt(choice, "disable_parallel_tool_use") == true) chat["parallel_tool_calls"] = false;
  return std::nullopt;
}

/// Copies the sampling fields that OpenAI shares. `top_k` and `thinking` have no OpenAI
/// counterpart and are dropped.
void copySamplingFields(const json& request, json& chat) {
  for (const char* key : {"temperature", "top_p"}) {
    if (const auto& value = memberAt(request, key); value.is_number()) chat[key] = value;
  }
  if (const auto& stop = memberAt(request, "stop_sequences"); stop.is_array() && !stop.empty()) chat["stop"] = stop;
  if (const auto user = stringAt(memberAt(request, "metadata"), "user_id"); !user.empty()) chat["user"] = user;
  if (memberAt(request, "stream") == true) {
    chat["stream"] = true;
    // The Anthropic stream ends with the usage, so the gateway asks the OpenAI upstream for it.
    chat["stream_options"] = {{"include_usage", true}};
  }
}

}  // namespace

std::variant<std::string, ApiError> toChatRequest(std::string_view messages_body) {
  const auto request = json::parse(messages_body, nullptr, false);
  if (!request.is_object()) return invalid("The request body is not a JSON object.", {});
  const auto model = stringAt(request, "model");
  if (model.empty()) return invalid("model: a string is required", "model");
  const auto& max_tokens = memberAt(request, "max_tokens");
  if (!max_tokens.is_number_integer() || max_tokens.get<std::int64_t>() < 1) {
    return invalid("max_tokens: a positive integer is required", "max_tokens");
  }

  json chat = {{"model", model}, {"messages", json::array()}, {"max_tokens", max_tokens}};
  if (auto error = translateMessages(request, chat["messages"])) return *error;
  if (auto error = translateTools(request, chat)) return *error;
  copySamplingFields(request, chat);
  return chat.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace pointsman::api::anthropic
