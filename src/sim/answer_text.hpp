// The deterministic answer text and the token estimates shared by every endpoint.
#pragma once

#include <cstdint>
#include <string_view>

namespace pointsman::sim {

/// Returns the seed of a model's answer text: the 64-bit FNV-1a hash of the model name.
std::uint64_t answerSeed(std::string_view model);

/// Returns token `index` of an answer with `tokenCount` tokens: word number
/// `(seed + index) % kWordCount` of the fixed word list, followed by a space unless it is the
/// last token.
std::string_view answerToken(std::uint64_t seed, int index, int tokenCount);

/// Returns the prompt-token estimate for `characters` bytes of text: one token per 4 bytes,
/// rounded up.
int estimateTokens(std::size_t characters);

}  // namespace pointsman::sim
