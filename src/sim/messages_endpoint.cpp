#include "sim/messages_endpoint.hpp"

#include "sim/answer_text.hpp"
#include "sim/messages_validation.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace pointsman::sim {
namespace {

using nlohmann::json;

constexpr int kMaxAnswerTokens = 1'000'000;
/// Arguments of the first and second simulated tool call.
const std::array<json, 2> kToolInputs = {json{{"location", "Paris"}}, json{{"tz", "UTC"}}};

std::string_view errorTypeFor(int status) {
  switch (status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

std::string sseEvent(std::string_view type, const json& data) {
  return "event: " + std::string(type) + "\ndata: " + data.dump() + "\n\n";
}

/// Prompt tokens split into plain input and cache reads, estimated at 4 bytes per token.
struct PromptTokens {
  int input = 0;
  int cacheRead = 0;
};

std::size_t textBytes(const json& content) {
  if (content.is_string()) return content.get_ref<const std::string&>().size();
  std::size_t bytes = 0;
  if (!content.is_array()) return bytes;
  for (const auto& block : content) {
    if (block.is_object() && block.contains("text") && block["text"].is_string()) {
      bytes += block["text"].get_ref<const std::string&>().size();
    }
  }
  return bytes;
}

bool cacheMarked(const json& content) {
  if (!content.is_array()) return false;
  return std::any_of(content.begin(), content.end(),
                     [](const json& block) { return block.is_object() && block.contains("cache_control"); });
}

PromptTokens countPrompt(const json& body) {
  std::size_t plain = 0;
  std::size_t cached = 0;
  const auto system = body.value("system", json());
  (cacheMarked(system) ? cached : plain) += textBytes(system);
  for (const auto& message : body["messages"]) {
    const auto content = message.value("content", json());
    (cacheMarked(content) ? cached : plain) += textBytes(content);
  }
  return {estimateTokens(plain), cached > 0 ? estimateTokens(cached) : 0};
}

std::string lastUserText(const json& body) {
  const auto& last = body["messages"].back();
  const auto content = last.value("content", json());
  std::string text;
  if (content.is_string()) text = content.get<std::string>();
  if (content.is_array()) {
    for (const auto& block : content) {
      if (block.is_object() && block.value("type", "") == "text") text += block.value("text", "");
    }
  }
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// The tools the answer calls: the first two of `tools` when the last user text mentions the weather.
std::vector<std::string> calledTools(const json& body) {
  std::vector<std::string> names;
  const auto tools = body.value("tools", json());
  if (!tools.is_array() || lastUserText(body).find("weather") == std::string::npos) return names;
  for (const auto& tool : tools) {
    if (names.size() == kToolInputs.size()) break;
    if (tool.is_object() && tool.contains("name") && tool["name"].is_string()) names.push_back(tool["name"]);
  }
  return names;
}

json usageJson(const PromptTokens& prompt, int output) {
  return {{"input_tokens", prompt.input}, {"cache_creation_input_tokens", 0},
          {"cache_read_input_tokens", prompt.cacheRead}, {"output_tokens", output}};
}

/// What one answer consists of, before it is written as a body or as events.
struct MessagesAnswer {
  std::string id;
  std::string model;
  std::string text;
  std::vector<std::string> tools;
  std::string stopReason;
  PromptTokens prompt;
  int outputTokens = 0;
};

std::string buildBody(const MessagesAnswer& answer) {
  json content = json::array({{{"type", "text"}, {"text", answer.text}}});
  for (std::size_t i = 0; i < answer.tools.size(); ++i) {
    content.push_back({{"type", "tool_use"}, {"id", answer.id + "_tool_" + std::to_string(i)},
                       {"name", answer.tools[i]}, {"input", kToolInputs[i]}});
  }
  return json{{"id", answer.id}, {"type", "message"}, {"role", "assistant"}, {"model", answer.model},
              {"content", std::move(content)}, {"stop_reason", answer.stopReason}, {"stop_sequence", nullptr},
              {"usage", usageJson(answer.prompt, answer.outputTokens)}}.dump();
}

std::string textDelta(std::string_view text) {
  return sseEvent("content_block_delta", {{"type", "content_block_delta"}, {"index", 0},
                                          {"delta", {{"type", "text_delta"}, {"text", text}}}});
}

/// The content events of a tool answer: a short text, then the tool blocks, whose argument
/// fragments interleave as parallel calls of a real model may.
std::vector<std::string> toolEvents(const MessagesAnswer& answer) {
  std::vector<std::string> events = {textDelta(answer.text),
                                     sseEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}})};
  std::vector<std::string> halves[2];
  for (std::size_t i = 0; i < answer.tools.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    events.push_back(sseEvent("content_block_start",
                              {{"type", "content_block_start"}, {"index", index},
                               {"content_block", {{"type", "tool_use"}, {"id", answer.id + "_tool_" + std::to_string(i)},
                                                  {"name", answer.tools[i]}, {"input", json::object()}}}}));
    const auto input = kToolInputs[i].dump();
    const auto middle = input.find(':') + 1;
    for (int half = 0; half < 2; ++half) {
      const auto part = half == 0 ? input.substr(0, middle) : input.substr(middle);
      halves[half].push_back(sseEvent("content_block_delta", {{"type", "content_block_delta"}, {"index", index},
                                                              {"delta", {{"type", "input_json_delta"}, {"partial_json", part}}}}));
    }
  }
  for (const auto& half : halves) events.insert(events.end(), half.begin(), half.end());
  for (std::size_t i = 0; i < answer.tools.size(); ++i) {
    events.push_back(sseEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", static_cast<int>(i) + 1}}));
  }
  return events;
}

void buildStream(const MessagesAnswer& answer, int tokenCount, StreamScript& script) {
  const json message = {{"id", answer.id}, {"type", "message"}, {"role", "assistant"}, {"model", answer.model},
                        {"content", json::array()}, {"stop_reason", nullptr}, {"stop_sequence", nullptr},
                        {"usage", usageJson(answer.prompt, 1)}};
  script.headEvents = sseEvent("message_start", {{"type", "message_start"}, {"message", message}}) +
                      sseEvent("content_block_start", {{"type", "content_block_start"}, {"index", 0},
                                                       {"content_block", {{"type", "text"}, {"text", ""}}}}) +
                      sseEvent("ping", {{"type", "ping"}});
  if (!answer.tools.empty()) {
    script.presetEvents = toolEvents(answer);
  } else {
    for (int i = 0; i < tokenCount; ++i) script.presetEvents.push_back(textDelta(answerToken(script.seed, i, tokenCount)));
  }
  script.tailEvents = (answer.tools.empty() ? sseEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}})
                                            : std::string()) +
                      sseEvent("message_delta", {{"type", "message_delta"},
                                                 {"delta", {{"stop_reason", answer.stopReason}, {"stop_sequence", nullptr}}},
                                                 {"usage", {{"output_tokens", answer.outputTokens}}}}) +
                      sseEvent("message_stop", {{"type", "message_stop"}});
  script.errorEvent = sseEvent("error", {{"type", "error"},
                                         {"error", {{"type", "overloaded_error"}, {"message", "simulated failure"}}}});
}

}  // namespace

ReplyPlan makeMessagesErrorPlan(int status, std::string_view message) {
  ReplyPlan plan;
  plan.status = status;
  plan.body = json{{"type", "error"}, {"error", {{"type", errorTypeFor(status)}, {"message", message}}}}.dump();
  return plan;
}

std::optional<ReplyPlan> makeMessagesFaultReply(const FaultPlan& fault) {
  if (!fault.status || fault.body) return makeFaultReply(fault);
  auto plan = *makeFaultReply(fault);
  plan.body = makeMessagesErrorPlan(*fault.status, "simulated failure with status " + std::to_string(*fault.status)).body;
  return plan;
}

ReplyPlan planCountTokens(const json& body) {
  json checked = body;
  if (!checked.contains("max_tokens")) checked["max_tokens"] = 1;
  if (auto error = findMessagesRequestError(checked)) return makeMessagesErrorPlan(400, *error);
  const auto prompt = countPrompt(body);
  ReplyPlan plan;
  plan.body = json{{"input_tokens", prompt.input + prompt.cacheRead}}.dump();
  return plan;
}

ReplyPlan planMessages(const json& body, const ExchangeContext& context) {
  if (auto error = findMessagesRequestError(body)) return makeMessagesErrorPlan(400, *error);

  const int maxTokens = static_cast<int>(std::min<long long>(body["max_tokens"].get<long long>(), kMaxAnswerTokens));
  const int tokenCount = std::min(maxTokens, context.profile.answerTokens);
  MessagesAnswer answer{"msg_sim_" + std::to_string(context.number), context.model, {}, calledTools(body),
                        tokenCount < context.profile.answerTokens ? "max_tokens" : "end_turn", countPrompt(body), tokenCount};
  StreamScript script{StreamEvents(CompletionKind::kChat, answer.id, context.created, context.model, false),
                      answerSeed(context.model), tokenCount, answer.stopReason, {}, {}, {}, {}, {}};
  for (int i = 0; i < tokenCount; ++i) answer.text += answerToken(script.seed, i, tokenCount);
  if (!answer.tools.empty()) {
    answer.text = "Checking.";
    answer.stopReason = "tool_use";
    answer.outputTokens = 20;
  }

  ReplyPlan plan;
  const auto ttft = scaledDelay(context.profile.ttftMs, context.timeScale);
  const double rate = context.profile.tokensPerSecond;
  plan.tokenInterval = rate > 0 ? scaledDelay(1000.0 / rate, context.timeScale) : Delay{0};
  if (!body.value("stream", false)) {
    plan.body = buildBody(answer);
    plan.firstTokenDelay = ttft + plan.tokenInterval * answer.outputTokens;
    return plan;
  }
  buildStream(answer, tokenCount, script);
  plan.kind = ReplyKind::kStream;
  plan.contentType = "text/event-stream";
  plan.firstTokenDelay = ttft;
  plan.stream.emplace(std::move(script));
  const auto& fault = context.fault;
  plan.streamFaults.resetAfterEvents = fault.resetAfterEvents;
  plan.streamFaults.errorAfterEvents = fault.errorAfterEvents;
  plan.streamFaults.closeAfterEvents = fault.closeAfterEvents;
  if (fault.stallAfterEvents) {
    plan.streamFaults.stallAfterEvents = fault.stallAfterEvents;
    plan.streamFaults.stall = scaledDelay(fault.stallMs.value_or(0), context.timeScale);
  }
  return plan;
}

}  // namespace pointsman::sim
