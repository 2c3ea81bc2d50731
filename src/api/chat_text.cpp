#include <pointsman/api/chat_text.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::api {

std::string lastUserText(const nlohmann::json& chat_request) {
  if (!chat_request.is_object()) return {};
  const auto messages = chat_request.find("messages");
  if (messages == chat_request.end() || !messages->is_array()) return {};

  for (auto message = messages->rbegin(); message != messages->rend(); ++message) {
    if (!message->is_object() || message->value("role", "") != "user") continue;
    const auto content = message->find("content");
    if (content == message->end()) return {};
    if (content->is_string()) return content->get<std::string>();

    std::string text;
    if (content->is_array()) {
      for (const auto& part : *content) {
        if (part.is_object() && part.value("type", "") == "text") text += part.value("text", "") + "\n";
      }
    }
    return text;
  }
  return {};
}

std::string completionText(std::string_view completion_body) {
  const auto completion = nlohmann::json::parse(completion_body, nullptr, false);
  if (!completion.is_object()) return {};
  const auto choices = completion.find("choices");
  if (choices == completion.end() || !choices->is_array() || choices->empty()) return {};

  const auto& message = (*choices)[0].value("message", nlohmann::json::object());
  const auto content = message.find("content");
  return content != message.end() && content->is_string() ? content->get<std::string>() : std::string();
}

}  // namespace pointsman::api
