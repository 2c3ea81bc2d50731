#include "sim/completion_endpoint.hpp"

#include "sim/answer_text.hpp"
#include "sim/request_fields.hpp"
#include "sim/tool_call_reply.hpp"

#include <nlohmann/json.hpp>

namespace pointsman::sim {
namespace {

constexpr int kMaxAnswerTokens = 1'000'000;

struct CompletionRequest {
  bool stream = false;
  bool includeUsage = false;
  std::optional<int> maxTokens;
  std::size_t promptCharacters = 0;
  /// Token-id prompts of /v1/completions count one token per id.
  int promptTokenIds = 0;
};

std::size_t countContentCharacters(const nlohmann::json& content) {
  if (content.is_string()) {
    return content.get_ref<const std::string&>().size();
  }
  std::size_t characters = 0;
  if (!content.is_array()) {
    return characters;
  }
  for (const auto& part : content) {
    const auto text = part.is_object() ? part.find("text") : part.end();
    if (text != part.end() && text->is_string()) {
      characters += text->get_ref<const std::string&>().size();
    }
  }
  return characters;
}

std::optional<FieldError> readMessages(const nlohmann::json& body, CompletionRequest& request) {
  const auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array() || messages->empty()) {
    return FieldError{"'messages' is missing or is not a non-empty array", "messages"};
  }
  for (const auto& message : *messages) {
    if (!message.is_object()) {
      return FieldError{"every item of 'messages' must be an object", "messages"};
    }
    const auto content = message.find("content");
    if (content != message.end()) {
      request.promptCharacters += countContentCharacters(*content);
    }
  }
  return std::nullopt;
}

std::optional<FieldError> readPrompt(const nlohmann::json& body, CompletionRequest& request) {
  const auto prompt = body.find("prompt");
  if (prompt == body.end() || prompt->is_null()) {
    return FieldError{"'prompt' is missing", "prompt"};
  }
  if (prompt->is_string()) {
    request.promptCharacters = prompt->get_ref<const std::string&>().size();
    return std::nullopt;
  }
  if (!prompt->is_array()) {
    return FieldError{"'prompt' must be a string or an array", "prompt"};
  }
  for (const auto& item : *prompt) {
    if (item.is_string()) {
      request.promptCharacters += item.get_ref<const std::string&>().size();
    } else if (item.is_number_integer()) {
      ++request.promptTokenIds;
    } else if (item.is_array()) {
      request.promptTokenIds += static_cast<int>(item.size());
    } else {
      return FieldError{"items of 'prompt' must be strings, token ids or token arrays", "prompt"};
    }
  }
  return std::nullopt;
}

std::optional<FieldError> readCommonFields(const nlohmann::json& body,
                                           CompletionRequest& request) {
  if (auto error = readOptionalBool(body, "stream", request.stream)) {
    return error;
  }
  const auto options = body.find("stream_options");
  if (options != body.end() && options->is_object()) {
    if (auto error = readOptionalBool(*options, "include_usage", request.includeUsage)) {
      return error;
    }
  }

  // max_completion_tokens replaces the deprecated max_tokens, so it wins when both are set.
  if (auto error = readOptionalInt(body, "max_tokens", 1, kMaxAnswerTokens, request.maxTokens)) {
    return error;
  }
  if (auto error = readOptionalInt(body, "max_completion_tokens", 1, kMaxAnswerTokens,
                                   request.maxTokens)) {
    return error;
  }

  std::optional<int> choices;
  if (auto error = readOptionalInt(body, "n", 1, 128, choices)) {
    return error;
  }
  if (choices.value_or(1) != 1) {
    return FieldError{"the simulator supports only n=1", "n"};
  }
  return std::nullopt;
}

/// Returns the finish reason of a text completion: `content_filter` when the fault asks for Azure's filter,
/// else `length` when max_tokens set the length (see docs/simulator.md), else `stop`.
std::string finishReasonFor(const CompletionRequest& request, const FaultPlan& fault) {
  if (fault.contentFilter) return "content_filter";
  return request.maxTokens ? "length" : "stop";
}

std::string buildAnswerText(std::uint64_t seed, int tokenCount) {
  std::string text;
  text.reserve(static_cast<std::size_t>(tokenCount) * 8);
  for (int i = 0; i < tokenCount; ++i) {
    text += answerToken(seed, i, tokenCount);
  }
  return text;
}

std::string buildBody(CompletionKind kind, const ExchangeContext& context, const StreamScript& s) {
  const bool chat = kind == CompletionKind::kChat;
  const std::string text = buildAnswerText(s.seed, s.tokenCount);
  const auto& usage = s.usage;

  std::string body = std::string("{\"id\":\"") + (chat ? "chatcmpl-sim-" : "cmpl-sim-") +
                     std::to_string(context.number) + "\",\"object\":\"" +
                     (chat ? "chat.completion" : "text_completion") +
                     "\",\"created\":" + std::to_string(context.created) +
                     ",\"model\":" + nlohmann::json(context.model).dump() + ",\"choices\":[{";
  if (chat) {
    body += "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"},";
  } else {
    body += "\"text\":\"" + text + "\",\"index\":0,";
  }
  body += "\"logprobs\":null,\"finish_reason\":\"" + s.finishReason +
          "\"}],\"usage\":{\"prompt_tokens\":" + std::to_string(usage.promptTokens) +
          ",\"completion_tokens\":" + std::to_string(usage.completionTokens) +
          ",\"total_tokens\":" + std::to_string(usage.promptTokens + usage.completionTokens) +
          "}}";
  return body;
}

StreamFaults scaleStreamFaults(const FaultPlan& fault, double timeScale) {
  StreamFaults faults;
  faults.resetAfterEvents = fault.resetAfterEvents;
  faults.errorAfterEvents = fault.errorAfterEvents;
  faults.closeAfterEvents = fault.closeAfterEvents;
  if (fault.stallAfterEvents) {
    faults.stallAfterEvents = fault.stallAfterEvents;
    faults.stall = scaledDelay(fault.stallMs.value_or(0), timeScale);
  }
  return faults;
}

}  // namespace

ReplyPlan planCompletion(CompletionKind kind, const nlohmann::json& body,
                         const ExchangeContext& context) {
  CompletionRequest request;
  auto error = kind == CompletionKind::kChat ? readMessages(body, request)
                                             : readPrompt(body, request);
  if (!error) {
    error = readCommonFields(body, request);
  }
  if (error) {
    return makeErrorPlan(400, error->message, error->param, "invalid_value");
  }

  // The rule is documented in docs/simulator.md: max_tokens sets the length and then reports
  // "length", because a real model stopped by the limit reports the same.
  const int tokenCount = request.maxTokens.value_or(context.profile.answerTokens);
  const std::string prefix = kind == CompletionKind::kChat ? "chatcmpl-sim-" : "cmpl-sim-";
  StreamScript script{
      StreamEvents(kind, prefix + std::to_string(context.number), context.created, context.model,
                   request.includeUsage),
      answerSeed(context.model),
      tokenCount,
      finishReasonFor(request, context.fault),
      TokenUsage{estimateTokens(request.promptCharacters) + request.promptTokenIds, tokenCount},
      {},
      {},
      {},
      {}};

  ReplyPlan plan;
  const auto ttft = scaledDelay(context.profile.ttftMs, context.timeScale);
  const double tokensPerSecond = context.profile.tokensPerSecond;
  plan.tokenInterval =
      tokensPerSecond > 0 ? scaledDelay(1000.0 / tokensPerSecond, context.timeScale) : Delay{0};

  const auto tool = kind == CompletionKind::kChat ? findWeatherTool(body) : std::nullopt;
  const auto toolBody = tool ? makeToolCallReply(context, *tool, script) : std::string();
  if (!request.stream) {
    plan.body = tool ? toolBody : buildBody(kind, context, script);
    plan.firstTokenDelay = ttft + plan.tokenInterval * script.usage.completionTokens;
    return plan;
  }
  plan.kind = ReplyKind::kStream;
  plan.contentType = "text/event-stream";
  plan.firstTokenDelay = ttft;
  plan.streamFaults = scaleStreamFaults(context.fault, context.timeScale);
  plan.stream.emplace(std::move(script));
  return plan;
}

}  // namespace pointsman::sim
