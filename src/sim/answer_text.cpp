#include "sim/answer_text.hpp"

#include <array>

namespace pointsman::sim {
namespace {

// Every word carries its trailing space, so a token is a view of the word, and the last token is
// the same view one byte shorter. Streaming then allocates nothing per token.
constexpr std::array<std::string_view, 32> kWords = {
    "the ",     "gateway ", "routes ",  "each ",    "request ", "to ",      "a ",
    "model ",   "that ",    "answers ", "quickly ", "while ",   "tokens ",  "stream ",
    "back ",    "over ",    "one ",     "steady ",  "link ",    "and ",     "every ",
    "signal ",  "passes ",  "through ", "points ",  "on ",      "time ",    "with ",
    "clear ",   "simple ",  "words ",   "here ",
};

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

}  // namespace

std::uint64_t answerSeed(std::string_view model) {
  std::uint64_t hash = kFnvOffset;
  for (const char c : model) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

std::string_view answerToken(std::uint64_t seed, int index, int tokenCount) {
  const auto position = (seed + static_cast<std::uint64_t>(index)) % kWords.size();
  std::string_view word = kWords[position];
  if (index + 1 == tokenCount) {
    word.remove_suffix(1);
  }
  return word;
}

int estimateTokens(std::size_t characters) { return static_cast<int>((characters + 3) / 4); }

}  // namespace pointsman::sim
