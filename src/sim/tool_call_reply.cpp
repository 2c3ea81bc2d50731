#include "sim/tool_call_reply.hpp"

#include "sim/answer_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace pointsman::sim {
namespace {

constexpr std::string_view kArguments = R"({"location":"Paris"})";

std::string lastMessageText(const nlohmann::json& messages) {
  std::string text;
  const auto& last = messages.back();
  const auto found = last.is_object() ? last.find("content") : last.end();
  if (found == last.end()) {
    return text;
  }
  const auto& content = *found;
  if (content.is_string()) {
    return content.get<std::string>();
  }
  if (!content.is_array()) {
    return text;
  }
  for (const auto& part : content) {
    const auto partText = part.is_object() ? part.find("text") : part.end();
    if (partText != part.end() && partText->is_string()) {
      text += partText->get_ref<const std::string&>();
    }
  }
  return text;
}

}  // namespace

std::optional<std::string> findWeatherTool(const nlohmann::json& body) {
  const auto tools = body.find("tools");
  const auto messages = body.find("messages");
  if (tools == body.end() || !tools->is_array() || tools->empty() || messages == body.end() ||
      !messages->is_array() || messages->empty()) {
    return std::nullopt;
  }

  auto text = lastMessageText(*messages);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text.find("weather") == std::string::npos) {
    return std::nullopt;
  }

  const auto& tool = tools->front();
  const auto function = tool.is_object() ? tool.find("function") : tool.end();
  if (function == tool.end() || !function->is_object()) {
    return std::nullopt;
  }
  const auto name = function->find("name");
  if (name == function->end() || !name->is_string()) {
    return std::nullopt;
  }
  return name->get<std::string>();
}

std::string makeToolCallReply(const ExchangeContext& context, const std::string& functionName,
                              StreamScript& script) {
  const std::string callId = "call_sim_" + std::to_string(context.number);
  script.finishReason = "tool_calls";
  script.usage.completionTokens = estimateTokens(functionName.size() + kArguments.size());

  // Like OpenAI, the first chunk names the function and later chunks carry the arguments.
  const nlohmann::json opening = {
      {"tool_calls",
       {{{"index", 0},
         {"id", callId},
         {"type", "function"},
         {"function", {{"name", functionName}, {"arguments", ""}}}}}}};
  const nlohmann::json arguments = {
      {"tool_calls", {{{"index", 0}, {"function", {{"arguments", kArguments}}}}}}};
  script.presetEvents = {script.events.deltaEvent(opening.dump()),
                         script.events.deltaEvent(arguments.dump())};

  const nlohmann::json message = {
      {"role", "assistant"},
      {"content", nullptr},
      {"tool_calls",
       {{{"id", callId},
         {"type", "function"},
         {"function", {{"name", functionName}, {"arguments", kArguments}}}}}}};
  const auto& usage = script.usage;
  const nlohmann::json body = {
      {"id", "chatcmpl-sim-" + std::to_string(context.number)},
      {"object", "chat.completion"},
      {"created", context.created},
      {"model", context.model},
      {"choices",
       {{{"index", 0}, {"message", message}, {"logprobs", nullptr},
         {"finish_reason", "tool_calls"}}}},
      {"usage",
       {{"prompt_tokens", usage.promptTokens},
        {"completion_tokens", usage.completionTokens},
        {"total_tokens", usage.promptTokens + usage.completionTokens}}}};
  return body.dump();
}

}  // namespace pointsman::sim
