#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::analyze {

/// Who wrote a message, as the chat completions API names it.
enum class MessageRole { System, Developer, User, Assistant, Tool, Function, Other };

/// The text of one chat message.
struct MessageText {
  MessageRole role = MessageRole::User;
  /// The `content` string, or its text parts joined without a separator (an image part adds no
  /// text). Joining keeps a word or a number that a client split across parts in one piece.
  std::string text;
};

/// What the analyzers read from a chat completions request: the message texts and the request
/// fields that change the cost or shape of the answer.
struct ChatRequest {
  std::vector<MessageText> messages;
  /// `max_completion_tokens`, else `max_tokens`.
  std::optional<std::int64_t> max_tokens;
  /// Names, descriptions and JSON parameter schemas of `tools` and `functions`, which count
  /// toward the prompt tokens.
  std::string tool_definitions;
  bool has_tools = false;
  bool has_images = false;
  bool json_mode = false;
  bool stream = false;
  int choices = 1;
};

/// Reads a chat completions request body in one walk over its JSON. The reader is lenient: a
/// field of an unexpected type is skipped, because the api module has already validated the
/// request and answered 400 for a malformed one. Returns nothing when `body` is not a JSON object.
std::optional<ChatRequest> extractChatRequest(std::string_view body);

/// The same for a body that the caller has already parsed, so the request is parsed only once.
std::optional<ChatRequest> extractChatRequest(simdjson::dom::element document);

}  // namespace pointsman::analyze
