#include <pointsman/api/anthropic/messages_response.hpp>

#include <pointsman/api/json_fields.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::api::anthropic {
namespace {

using nlohmann::json;

json contentBlocks(const json& message) {
  json blocks = json::array();
  if (const auto text = stringAt(message, "content"); !text.empty()) {
    blocks.push_back({{"type", "text"}, {"text", text}});
  }
  const auto& calls = memberAt(message, "tool_calls");
  if (!calls.is_array()) return blocks;
  for (const auto& call : calls) {
    const auto& function = memberAt(call, "function");
    auto input = json::parse(stringAt(function, "arguments"), nullptr, false);
    // The Messages API carries the input as an object; arguments that do not parse as one
    // are kept as text so nothing is lost.
    if (!input.is_object()) input = {{"arguments", stringAt(function, "arguments")}};
    blocks.push_back({{"type", "tool_use"}, {"id", stringAt(call, "id")}, {"name", stringAt(function, "name")},
                      {"input", std::move(input)}});
  }
  return blocks;
}

}  // namespace

std::string_view stopReasonFor(std::string_view finish_reason) {
  if (finish_reason == "length") return "max_tokens";
  if (finish_reason == "tool_calls" || finish_reason == "function_call") return "tool_use";
  if (finish_reason == "content_filter") return "refusal";
  return "end_turn";
}

std::optional<std::string> toMessagesResponse(std::string_view completion_body) {
  const auto completion = json::parse(completion_body, nullptr, false);
  const auto& choices = memberAt(completion, "choices");
  if (!choices.is_array() || choices.empty()) return std::nullopt;

  const auto& choice = choices[0];
  const auto& usage = memberAt(completion, "usage");
  const auto cached = integerAt(memberAt(usage, "prompt_tokens_details"), "cached_tokens");
  const json message = {
      {"id", stringAt(completion, "id")},
      {"type", "message"},
      {"role", "assistant"},
      {"model", stringAt(completion, "model")},
      {"content", contentBlocks(memberAt(choice, "message"))},
      {"stop_reason", std::string(stopReasonFor(stringAt(choice, "finish_reason")))},
      {"stop_sequence", nullptr},
      {"usage",
       {{"input_tokens", integerAt(usage, "prompt_tokens") - cached},
        {"output_tokens", integerAt(usage, "completion_tokens")},
        {"cache_read_input_tokens", cached},
        {"cache_creation_input_tokens", 0}}}};
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string_view errorTypeForStatus(unsigned status) {
  switch (status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503: return "overloaded_error";
    default: return status < 500 ? "invalid_request_error" : "api_error";
  }
}

std::string toMessagesErrorBody(unsigned status, std::string_view openai_error_body) {
  const auto parsed = json::parse(openai_error_body, nullptr, false);
  auto message = stringAt(memberAt(parsed, "error"), "message");
  if (message.empty()) message = std::string(openai_error_body.substr(0, 2000));
  const json body = {{"type", "error"}, {"error", {{"type", std::string(errorTypeForStatus(status))}, {"message", message}}}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace pointsman::api::anthropic
