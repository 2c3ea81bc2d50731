// Server-sent events of a streamed chat or text completion, built from prebuilt templates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pointsman::sim {

enum class CompletionKind { kChat, kText };

struct TokenUsage {
  int promptTokens = 0;
  int completionTokens = 0;
};

/// Formats every event of one stream. A content event is `contentPrefix() + token +
/// contentSuffix()`, so a stream writes three buffers per token and formats no JSON per token.
/// Answer words contain only lowercase ASCII letters and spaces, so they need no JSON escaping.
class StreamEvents {
 public:
  StreamEvents(CompletionKind kind, std::string_view id, std::int64_t created,
               std::string_view model, bool includeUsage);

  /// The chat role chunk (`delta: {role: "assistant", content: ""}`); empty for text completions.
  [[nodiscard]] const std::string& roleEvent() const { return roleEvent_; }
  [[nodiscard]] const std::string& contentPrefix() const { return contentPrefix_; }
  [[nodiscard]] const std::string& contentSuffix() const { return contentSuffix_; }
  [[nodiscard]] bool includeUsage() const { return includeUsage_; }

  /// A chat chunk whose delta is `deltaJson`, a serialized JSON object, with no finish reason.
  [[nodiscard]] std::string deltaEvent(std::string_view deltaJson) const;
  /// The chunk with an empty delta (or text) and the finish reason.
  [[nodiscard]] std::string finishEvent(std::string_view finishReason) const;
  /// The chunk with `choices: []` and the usage, sent when the request set include_usage.
  [[nodiscard]] std::string usageEvent(const TokenUsage& usage) const;

  static std::string_view doneEvent();
  /// The in-stream error event sent by the `error_after_events` fault.
  static std::string_view errorEvent();

 private:
  [[nodiscard]] std::string chunkHead() const;

  CompletionKind kind_;
  bool includeUsage_;
  std::string id_;
  std::string created_;
  std::string quotedModel_;
  std::string roleEvent_;
  std::string contentPrefix_;
  std::string contentSuffix_;
};

}  // namespace pointsman::sim
