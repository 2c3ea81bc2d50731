#include <pointsman/api/stream_event.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::api {
namespace {

using nlohmann::json;

bool nonEmptyString(const json& object, const char* key) {
  const auto value = object.find(key);
  return value != object.end() && value->is_string() && !value->get_ref<const std::string&>().empty();
}

bool present(const json& object, const char* key) {
  const auto value = object.find(key);
  return value != object.end() && !value->is_null() && !(value->is_array() && value->empty());
}

bool choiceCarriesContent(const json& choice) {
  if (!choice.is_object()) return false;
  if (present(choice, "finish_reason") || nonEmptyString(choice, "text")) return true;

  const auto delta = choice.find("delta");
  if (delta == choice.end() || !delta->is_object()) return false;
  return nonEmptyString(*delta, "content") || nonEmptyString(*delta, "refusal") ||
         present(*delta, "tool_calls") || present(*delta, "function_call") || present(*delta, "audio");
}

StreamEventInfo errorInfo(const json& error) {
  StreamEventInfo info;
  info.kind = StreamEventKind::Error;
  if (error.is_object()) {
    if (const auto message = error.find("message"); message != error.end() && message->is_string()) {
      info.error_message = message->get<std::string>();
    }
    for (const char* key : {"status", "code"}) {
      const auto value = error.find(key);
      if (value != error.end() && value->is_number_integer()) {
        info.error_status = value->get<unsigned>();
        break;
      }
    }
  } else if (error.is_string()) {
    info.error_message = error.get<std::string>();
  }
  return info;
}

StreamEventInfo inspectParsed(const json& chunk) {
  StreamEventInfo info;
  if (!chunk.is_object()) return info;
  if (const auto error = chunk.find("error"); error != chunk.end() && !error->is_null()) {
    return errorInfo(*error);
  }

  info.usage = usageFromResponse(chunk);
  const auto choices = chunk.find("choices");
  if (choices == chunk.end() || !choices->is_array()) {
    info.kind = info.usage ? StreamEventKind::UsageOnly : StreamEventKind::Unknown;
    return info;
  }
  if (choices->empty()) {
    info.kind = info.usage ? StreamEventKind::UsageOnly : StreamEventKind::Preamble;
    return info;
  }
  info.kind = StreamEventKind::Preamble;
  for (const auto& choice : *choices) {
    if (choiceCarriesContent(choice)) info.kind = StreamEventKind::Content;
  }
  return info;
}

}  // namespace

StreamEventInfo inspectStreamEvent(std::string_view data) {
  if (data == "[DONE]") return {StreamEventKind::Done, std::nullopt, {}, 0};
  const json chunk = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (chunk.is_discarded()) return {};
  return inspectParsed(chunk);
}

StreamEventInfo inspectCommittedStreamEvent(std::string_view data) {
  if (data == "[DONE]") return {StreamEventKind::Done, std::nullopt, {}, 0};

  const bool may_hold_usage = data.find("\"usage\":{") != std::string_view::npos ||
                              data.find("\"usage\": {") != std::string_view::npos;
  const bool may_hold_error = data.find("\"error\"") != std::string_view::npos;
  if (!may_hold_usage && !may_hold_error) return {StreamEventKind::Content, std::nullopt, {}, 0};
  return inspectStreamEvent(data);
}

}  // namespace pointsman::api
