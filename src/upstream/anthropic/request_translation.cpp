#include <pointsman/upstream/anthropic/request_translation.hpp>

#include <pointsman/api/json_fields.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

namespace pointsman::upstream::anthropic {
namespace {

using nlohmann::json;
using api::memberAt;
using api::stringAt;
using Failure = std::optional<api::ApiError>;

api::ApiError invalid(std::string message, std::string param) {
  return api::ApiError::invalidRequest(std::move(message), std::move(param), "unsupported_for_provider");
}

json textBlock(const std::string& text) { return {{"type", "text"}, {"text", text}}; }

/// A `data:<media type>;base64,<data>` URL as a base64 source, anything else as a URL source.
json imageBlock(const std::string& url) {
  if (url.starts_with("data:")) {
    const auto separator = url.find(";base64,");
    if (separator != std::string::npos) {
      return {{"type", "image"},
              {"source", {{"type", "base64"}, {"media_type", url.substr(5, separator - 5)},
                          {"data", url.substr(separator + 8)}}}};
    }
  }
  return {{"type", "image"}, {"source", {{"type", "url"}, {"url", url}}}};
}

/// Appends the blocks of an OpenAI `content` (a string or an array of parts). Empty text is left
/// out because the Messages API rejects empty text blocks.
Failure appendContent(const json& content, const std::string& path, bool images_allowed, json& blocks) {
  if (content.is_null()) return std::nullopt;
  if (content.is_string()) {
    if (!content.get_ref<const std::string&>().empty()) blocks.push_back(textBlock(content.get<std::string>()));
    return std::nullopt;
  }
  if (!content.is_array()) return invalid(path + " must be a string or an array of content parts", path);

  for (std::size_t i = 0; i < content.size(); ++i) {
    const auto& part = content[i];
    const std::string part_path = path + "[" + std::to_string(i) + "]";
    const auto type = stringAt(part, "type");
    if (type == "text" || type == "refusal") {
      const auto text = stringAt(part, type == "text" ? "text" : "refusal");
      if (!text.empty()) blocks.push_back(textBlock(text));
    } else if (type == "image_url" && images_allowed) {
      const auto url = stringAt(memberAt(part, "image_url"), "url");
      if (url.empty()) return invalid(part_path + ".image_url.url is missing", part_path);
      blocks.push_back(imageBlock(url));
    } else {
      return invalid("content part type `" + type + "` at " + part_path +
                         " cannot be sent to an Anthropic deployment",
                     part_path);
    }
  }
  return std::nullopt;
}

Failure appendToolCalls(const json& calls, const std::string& path, json& blocks) {
  if (!calls.is_array()) return invalid(path + " must be an array", path);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto& call = calls[i];
    const std::string call_path = path + "[" + std::to_string(i) + "]";
    const auto& function = memberAt(call, "function");
    if (!function.is_object()) return invalid(call_path + ".function is missing", call_path);

    // The Messages API wants the input as an object, so the argument string must parse as one.
    const auto arguments = stringAt(function, "arguments");
    auto input = arguments.empty() ? json::object() : json::parse(arguments, nullptr, false);
    if (!input.is_object()) {
      return invalid(call_path + ".function.arguments is not a JSON object", call_path + ".function.arguments");
    }
    blocks.push_back({{"type", "tool_use"}, {"id", stringAt(call, "id")}, {"name", stringAt(function, "name")},
                      {"input", std::move(input)}});
  }
  return std::nullopt;
}

/// A `tool` message as a `tool_result` block; text parts become the result's text.
Failure appendToolResult(const json& message, const std::string& path, json& blocks) {
  const auto id = stringAt(message, "tool_call_id");
  if (id.empty()) return invalid(path + ".tool_call_id is missing", path + ".tool_call_id");
  json result = {{"type", "tool_result"}, {"tool_use_id", id}};
  json content = json::array();
  if (auto error = appendContent(memberAt(message, "content"), path + ".content", false, content)) return error;
  if (!content.empty()) result["content"] = std::move(content);
  blocks.push_back(std::move(result));
  return std::nullopt;
}

/// Adds one turn, merged into the previous turn when the role repeats: the Messages API requires
/// user and assistant turns to alternate.
void appendTurn(json& turns, const std::string& role, json blocks) {
  if (blocks.empty()) return;
  if (!turns.empty() && turns.back()["role"] == role) {
    for (auto& block : blocks) turns.back()["content"].push_back(std::move(block));
    return;
  }
  turns.push_back({{"role", role}, {"content", std::move(blocks)}});
}

Failure translateMessage(const json& message, const std::string& path, json& system, json& turns) {
  if (!message.is_object()) return invalid(path + " must be an object", path);
  const auto role = stringAt(message, "role");
  const auto& content = memberAt(message, "content");
  json blocks = json::array();

  if (role == "system" || role == "developer") return appendContent(content, path + ".content", false, system);
  if (role == "user") {
    if (auto error = appendContent(content, path + ".content", true, blocks)) return error;
  } else if (role == "assistant") {
    if (auto error = appendContent(content, path + ".content", false, blocks)) return error;
    if (const auto& calls = memberAt(message, "tool_calls"); !calls.is_null()) {
      if (auto error = appendToolCalls(calls, path + ".tool_calls", blocks)) return error;
    }
  } else if (role == "tool") {
    if (auto error = appendToolResult(message, path, blocks)) return error;
  } else {
    return invalid("role `" + role + "` at " + path + " cannot be sent to an Anthropic deployment", path + ".role");
  }
  appendTurn(turns, role == "assistant" ? "assistant" : "user", std::move(blocks));
  return std::nullopt;
}

json translateTool(const json& tool) {
  const auto& function = memberAt(tool, "function");
  json translated = {{"name", stringAt(function, "name")}};
  if (const auto& description = memberAt(function, "description"); description.is_string()) translated["description"] = description;
  const auto& schema = memberAt(function, "parameters");
  translated["input_schema"] = schema.is_object() ? schema : json{{"type", "object"}, {"properties", json::object()}};
  return translated;
}

Failure translateToolChoice(const json& chat, json& out) {
  json choice;
  const auto found = chat.find("tool_choice");
  if (found != chat.end() && found->is_string()) {
    const auto& mode = found->get_ref<const std::string&>();
    if (mode == "auto") choice = {{"type", "auto"}};
    if (mode == "none") choice = {{"type", "none"}};
    if (mode == "required") choice = {{"type", "any"}};
    if (choice.is_null()) return invalid("tool_choice `" + mode + "` is not supported", "tool_choice");
  } else if (found != chat.end() && found->is_object()) {
    const auto name = stringAt(memberAt(*found, "function"), "name");
    if (name.empty()) return invalid("tool_choice.function.name is missing", "tool_choice");
    choice = {{"type", "tool"}, {"name", name}};
  }
  if (memberAt(chat, "parallel_tool_calls") == false) {
    if (choice.is_null()) choice = {{"type", "auto"}};
    if (choice["type"] != "none") choice["disable_parallel_tool_use"] = true;
  }
  if (!choice.is_null()) out["tool_choice"] = std::move(choice);
  return std::nullopt;
}

/// Rejects OpenAI options that change the answer but have no Messages API equivalent.
Failure rejectUnsupported(const json& chat) {
  if (const auto& n = memberAt(chat, "n"); !n.is_null() && n != 1) return invalid("`n` other than 1 is not supported by Anthropic deployments", "n");
  if (memberAt(chat, "logprobs") == true) {
    return invalid("`logprobs` is not supported by Anthropic deployments", "logprobs");
  }
  if (!memberAt(chat, "audio").is_null()) {
    return invalid("`audio` output is not supported by Anthropic deployments", "audio");
  }
  return std::nullopt;
}

/// JSON output has no request field in Messages API version 2023-06-01, so it is asked for in
/// the system prompt.
// NOTE: this is an instruction, not a guarantee; the answer is not validated against a schema.
void addJsonInstruction(const json& chat, json& system) {
  const auto& format = memberAt(chat, "response_format");
  const auto type = stringAt(format, "type");
  if (type == "json_object") {
    system.push_back(textBlock("Respond with one valid JSON object and nothing else."));
  } else if (type == "json_schema") {
    const auto& schema = memberAt(memberAt(format, "json_schema"), "schema");
    system.push_back(textBlock("Respond with one valid JSON value that matches this JSON Schema and nothing else: " +
                               schema.dump()));
  }
}

void copySamplingFields(const json& chat, json& out) {
  // OpenAI allows temperatures up to 2, the Messages API up to 1.
  if (const auto t = chat.find("temperature"); t != chat.end() && t->is_number()) {
    out["temperature"] = std::min(t->get<double>(), 1.0);
  }
  if (const auto p = chat.find("top_p"); p != chat.end() && p->is_number()) out["top_p"] = *p;
  if (const auto stop = chat.find("stop"); stop != chat.end() && !stop->is_null()) {
    out["stop_sequences"] = stop->is_string() ? json::array({*stop}) : *stop;
  }
  if (const auto user = chat.find("user"); user != chat.end() && user->is_string()) {
    out["metadata"] = {{"user_id", *user}};
  }
}

std::int64_t maxTokensOf(const json& chat, std::int64_t fallback) {
  for (const char* key : {"max_completion_tokens", "max_tokens"}) {
    const auto value = chat.find(key);
    if (value != chat.end() && value->is_number_integer()) return value->get<std::int64_t>();
  }
  return fallback;
}

}  // namespace

std::variant<std::string, api::ApiError> toMessagesRequest(const json& chat, const MessagesRequestSettings& settings) {
  if (auto error = rejectUnsupported(chat)) return *error;
  const auto& messages = memberAt(chat, "messages");
  if (!messages.is_array()) return invalid("messages must be an array", "messages");
  json system = json::array();
  json turns = json::array();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (auto error = translateMessage(messages[i], "messages[" + std::to_string(i) + "]", system, turns)) return *error;
  }
  if (turns.empty()) {
    return api::ApiError::invalidRequest(
        "messages: at least one non-system message (user, assistant or tool) with content is required; "
        "an Anthropic deployment cannot answer system messages alone",
        "messages");
  }
  addJsonInstruction(chat, system);

  json out = {{"model", settings.model}, {"max_tokens", maxTokensOf(chat, settings.default_max_tokens)}};
  if (!system.empty()) out["system"] = std::move(system);
  out["messages"] = std::move(turns);
  copySamplingFields(chat, out);
  if (const auto tools = chat.find("tools"); tools != chat.end() && tools->is_array() && !tools->empty()) {
    out["tools"] = json::array();
    for (const auto& tool : *tools) out["tools"].push_back(translateTool(tool));
  }
  if (auto error = translateToolChoice(chat, out)) return *error;
  if (memberAt(chat, "stream") == true) out["stream"] = true;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace pointsman::upstream::anthropic
