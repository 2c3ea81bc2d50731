#include "sim/stream_events.hpp"

#include <nlohmann/json.hpp>

namespace pointsman::sim {
namespace {

constexpr std::string_view kEventStart = "data: ";
constexpr std::string_view kEventEnd = "\n\n";

}  // namespace

StreamEvents::StreamEvents(CompletionKind kind, std::string_view id, std::int64_t created,
                           std::string_view model, bool includeUsage)
    : kind_(kind),
      includeUsage_(includeUsage),
      id_(id),
      created_(std::to_string(created)),
      quotedModel_(nlohmann::json(model).dump()) {
  // OpenAI sends `"usage": null` on every chunk but the last when usage was requested.
  const std::string usageTail = includeUsage_ ? ",\"usage\":null}" : "}";
  const std::string head = chunkHead();

  if (kind_ == CompletionKind::kChat) {
    roleEvent_ = head +
                 "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                 "\"logprobs\":null,\"finish_reason\":null}]" +
                 usageTail + std::string(kEventEnd);
    contentPrefix_ = head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
    contentSuffix_ = "\"},\"logprobs\":null,\"finish_reason\":null}]" + usageTail;
  } else {
    contentPrefix_ = head + "\"choices\":[{\"text\":\"";
    contentSuffix_ = "\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]" + usageTail;
  }
  contentSuffix_ += kEventEnd;
}

std::string StreamEvents::chunkHead() const {
  const std::string_view object =
      kind_ == CompletionKind::kChat ? "chat.completion.chunk" : "text_completion";
  std::string head(kEventStart);
  head += "{\"id\":\"" + id_ + "\",\"object\":\"" + std::string(object) +
          "\",\"created\":" + created_ + ",\"model\":" + quotedModel_ + ",";
  return head;
}

std::string StreamEvents::deltaEvent(std::string_view deltaJson) const {
  std::string event = chunkHead();
  event += "\"choices\":[{\"index\":0,\"delta\":";
  event += deltaJson;
  event += ",\"logprobs\":null,\"finish_reason\":null}]";
  event += includeUsage_ ? ",\"usage\":null}" : "}";
  event += kEventEnd;
  return event;
}

std::string StreamEvents::finishEvent(std::string_view finishReason) const {
  std::string event = chunkHead();
  if (kind_ == CompletionKind::kChat) {
    event += "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"";
  } else {
    event += "\"choices\":[{\"text\":\"\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"";
  }
  event += finishReason;
  event += includeUsage_ ? "\"}],\"usage\":null}" : "\"}]}";
  event += kEventEnd;
  return event;
}

std::string StreamEvents::usageEvent(const TokenUsage& usage) const {
  std::string event = chunkHead();
  event += "\"choices\":[],\"usage\":{\"prompt_tokens\":" + std::to_string(usage.promptTokens) +
           ",\"completion_tokens\":" + std::to_string(usage.completionTokens) +
           ",\"total_tokens\":" + std::to_string(usage.promptTokens + usage.completionTokens) +
           "}}";
  event += kEventEnd;
  return event;
}

std::string_view StreamEvents::doneEvent() { return "data: [DONE]\n\n"; }

std::string_view StreamEvents::errorEvent() {
  return "data: {\"error\":{\"message\":\"simulated failure\",\"type\":\"server_error\","
         "\"param\":null,\"code\":\"sim_error\"}}\n\n";
}

}  // namespace pointsman::sim
