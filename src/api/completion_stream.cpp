#include <pointsman/api/completion_stream.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::api {

namespace {

using nlohmann::json;

std::string event(const json& chunk) { return "data: " + chunk.dump() + "\n\n"; }

json chunkFrame(const json& completion) {
  return json{{"id", completion.value("id", "")},
              {"object", "chat.completion.chunk"},
              {"created", completion.value("created", 0)},
              {"model", completion.value("model", "")}};
}

/// The delta of one choice: every field of its message, with tool calls numbered as stream
/// deltas number them.
json deltaOf(const json& message) {
  json delta = json::object();
  delta["role"] = message.value("role", "assistant");
  if (message.contains("content")) delta["content"] = message["content"];
  if (message.contains("refusal") && !message["refusal"].is_null()) delta["refusal"] = message["refusal"];
  if (message.contains("tool_calls") && message["tool_calls"].is_array()) {
    json calls = json::array();
    for (std::size_t i = 0; i < message["tool_calls"].size(); ++i) {
      json call = message["tool_calls"][i];
      call["index"] = i;
      calls.push_back(std::move(call));
    }
    delta["tool_calls"] = std::move(calls);
  }
  return delta;
}

}  // namespace

std::optional<std::string> completionAsEventStream(std::string_view completion_body, bool include_usage) {
  const auto completion = json::parse(completion_body, nullptr, false);
  if (!completion.is_object() || !completion.contains("choices") || !completion["choices"].is_array()) {
    return std::nullopt;
  }

  std::string stream;
  auto content = chunkFrame(completion);
  auto finish = chunkFrame(completion);
  content["choices"] = json::array();
  finish["choices"] = json::array();
  for (const auto& choice : completion["choices"]) {
    const auto index = choice.value("index", 0);
    content["choices"].push_back(
        {{"index", index}, {"delta", deltaOf(choice.value("message", json::object()))}, {"finish_reason", nullptr}});
    finish["choices"].push_back(
        {{"index", index}, {"delta", json::object()}, {"finish_reason", choice.value("finish_reason", json())}});
  }
  stream += event(content);
  stream += event(finish);

  if (include_usage && completion.contains("usage")) {
    auto usage = chunkFrame(completion);
    usage["choices"] = json::array();
    usage["usage"] = completion["usage"];
    stream += event(usage);
  }
  stream += "data: [DONE]\n\n";
  return stream;
}

std::optional<std::string> withoutStreaming(std::string_view request_body) {
  auto request = json::parse(request_body, nullptr, false);
  if (!request.is_object()) return std::nullopt;
  request["stream"] = false;
  request.erase("stream_options");
  return request.dump();
}

bool asksForStreamUsage(std::string_view request_body) {
  const auto request = json::parse(request_body, nullptr, false);
  if (!request.is_object()) return false;
  const auto options = request.find("stream_options");
  return options != request.end() && options->is_object() && options->value("include_usage", false);
}

}  // namespace pointsman::api
