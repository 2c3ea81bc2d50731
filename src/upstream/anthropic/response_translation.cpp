#include <pointsman/upstream/anthropic/response_translation.hpp>

#include <pointsman/api/json_fields.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::upstream::anthropic {
namespace {

using nlohmann::json;
using api::dumpJson;
using api::integerAt;
using api::stringAt;

/// The OpenAI error `type` for an Anthropic error type.
std::string_view openAiType(std::string_view type) {
  if (type == "invalid_request_error" || type == "not_found_error" || type == "request_too_large") {
    return "invalid_request_error";
  }
  if (type == "authentication_error") return "authentication_error";
  if (type == "permission_error") return "permission_error";
  if (type == "rate_limit_error") return "rate_limit_error";
  return "server_error";
}

json messageOf(const json& content) {
  std::string text;
  json tool_calls = json::array();
  for (const auto& block : content) {
    const auto type = stringAt(block, "type");
    if (type == "text") {
      text += stringAt(block, "text");
    } else if (type == "tool_use") {
      const auto input = block.contains("input") ? block["input"] : json::object();
      tool_calls.push_back({{"id", stringAt(block, "id")},
                            {"type", "function"},
                            {"function", {{"name", stringAt(block, "name")}, {"arguments", dumpJson(input)}}}});
    }
  }
  json message = {{"role", "assistant"}, {"content", text.empty() && !tool_calls.empty() ? json() : json(text)}};
  if (!tool_calls.empty()) message["tool_calls"] = std::move(tool_calls);
  return message;
}

}  // namespace

std::string_view finishReasonFor(std::string_view stop_reason) {
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") return "length";
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "refusal") return "content_filter";
  return "stop";
}

json toOpenAiUsage(const json& usage) {
  const auto input = integerAt(usage, "input_tokens");
  const auto cache_read = integerAt(usage, "cache_read_input_tokens");
  const auto cache_write = integerAt(usage, "cache_creation_input_tokens");
  const auto output = integerAt(usage, "output_tokens");
  const auto prompt = input + cache_read + cache_write;
  return {{"prompt_tokens", prompt},
          {"completion_tokens", output},
          {"total_tokens", prompt + output},
          {"prompt_tokens_details", {{"cached_tokens", cache_read}, {"cache_write_tokens", cache_write}}}};
}

std::optional<std::string> toChatCompletion(std::string_view message_body, std::int64_t created) {
  const auto message = json::parse(message_body, nullptr, false);
  if (!message.is_object() || stringAt(message, "type") != "message") return std::nullopt;
  const auto content = message.contains("content") && message["content"].is_array() ? message["content"] : json::array();

  const auto stop_reason = stringAt(message, "stop_reason");
  json choice = {{"index", 0}, {"message", messageOf(content)}, {"logprobs", nullptr},
                 {"finish_reason", std::string(finishReasonFor(stop_reason))}};
  json completion = {{"id", stringAt(message, "id")},
                     {"object", "chat.completion"},
                     {"created", created},
                     {"model", stringAt(message, "model")},
                     {"choices", json::array({std::move(choice)})},
                     {"usage", toOpenAiUsage(message.contains("usage") ? message["usage"] : json::object())}};
  return dumpJson(completion);
}

unsigned statusForErrorType(std::string_view type) {
  if (type == "invalid_request_error") return 400;
  if (type == "authentication_error") return 401;
  if (type == "permission_error") return 403;
  if (type == "not_found_error") return 404;
  if (type == "request_too_large") return 413;
  if (type == "rate_limit_error") return 429;
  if (type == "overloaded_error") return 503;
  return 500;
}

json toOpenAiErrorObject(const json& error, unsigned status) {
  const auto type = stringAt(error, "type");
  auto message = stringAt(error, "message");
  if (message.empty()) message = "the Anthropic API returned an error of type " + (type.empty() ? "unknown" : type);

  // The failover rules try a deployment with a larger context for this code.
  std::string code = type;
  if (type == "invalid_request_error" && message.starts_with("prompt is too long")) code = "context_length_exceeded";
  return {{"message", message}, {"type", std::string(openAiType(type))}, {"param", nullptr},
          {"code", code.empty() ? json() : json(code)}, {"status", status}};
}

TranslatedError toOpenAiError(unsigned status, std::string_view body) {
  TranslatedError translated;
  translated.status = status == 529 ? 503 : status;
  const auto parsed = json::parse(body, nullptr, false);
  const json* error = nullptr;
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) error = &parsed["error"];

  json object;
  if (error) {
    object = toOpenAiErrorObject(*error, translated.status);
  } else {
    const std::string text = body.empty() ? "the Anthropic API answered HTTP " + std::to_string(status)
                                          : std::string(body.substr(0, 2000));
    object = {{"message", text}, {"type", translated.status >= 500 ? "server_error" : "invalid_request_error"},
              {"param", nullptr}, {"code", nullptr}};
  }
  object.erase("status");
  translated.body = dumpJson(json{{"error", std::move(object)}});
  return translated;
}

}  // namespace pointsman::upstream::anthropic
