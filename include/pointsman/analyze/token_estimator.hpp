#pragma once

#include <pointsman/analyze/chat_request.hpp>

#include <cstdint>
#include <string_view>

namespace pointsman::analyze {

/// Tokens the chat format adds around each message (role and separators). This is the figure
/// commonly used for OpenAI's gpt-3.5 and gpt-4 chat models, an estimate for other models.
inline constexpr std::int64_t kTokensPerMessage = 3;
/// Tokens that prime the assistant's reply, added once per request.
inline constexpr std::int64_t kTokensPerReply = 3;

/// Estimates the tokens of `text` without a vocabulary. It splits the text the way byte-pair
/// tokenizers pre-split it (letter runs, digit runs of up to 3, punctuation runs, whitespace)
/// and prices each piece. A letter run of up to 8 ASCII letters is one token, and each further 4
/// letters add one. A character of 3 or 4 UTF-8 bytes (CJK, emoji) is one token. The constants
/// were fitted on RouterArena prompts, and their error figures are in docs/analyzers.md.
std::int64_t estimateTokens(std::string_view text);

/// Estimates the prompt tokens of a chat request: every message's text and overhead, the tool
/// definitions and the reply priming. Images are not counted.
std::int64_t estimatePromptTokens(const ChatRequest& request);

}  // namespace pointsman::analyze
