#include <pointsman/analyze/token_estimator.hpp>

#include <array>
#include <cstddef>

namespace pointsman::analyze {
namespace {

enum class ByteClass : std::uint8_t { Letter, Digit, Space, LineBreak, Punctuation, Multibyte };

constexpr std::array<ByteClass, 256> makeByteClasses() {
  std::array<ByteClass, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    auto& entry = classes[static_cast<std::size_t>(c)];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      entry = ByteClass::Letter;
    } else if (c >= '0' && c <= '9') {
      entry = ByteClass::Digit;
    } else if (c == ' ') {
      entry = ByteClass::Space;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      entry = ByteClass::LineBreak;
    } else if (c >= 0x80) {
      entry = ByteClass::Multibyte;
    } else {
      entry = ByteClass::Punctuation;
    }
  }
  return classes;
}

constexpr std::array<ByteClass, 256> kByteClasses = makeByteClasses();

// Fitted on the even rows of RouterArena's sub_10 split against the mean of two providers'
// counts (tools/eval_analyzers.cpp, `tokens` command).
constexpr std::size_t kLettersInFirstToken = 8;
constexpr std::size_t kLettersPerExtraToken = 4;
constexpr std::size_t kDigitsPerToken = 3;

ByteClass classOf(std::string_view text, std::size_t i) {
  return kByteClasses[static_cast<unsigned char>(text[i])];
}

// A word of letters and non-ASCII characters, as byte-pair tokenizers keep accented letters and
// scripts without spaces inside words. Returns the estimate in quarter tokens.
std::size_t wordQuarterTokens(std::string_view text, std::size_t& i) {
  std::size_t ascii_letters = 0;
  std::size_t quarters = 0;
  for (; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const ByteClass kind = kByteClasses[byte];
    if (kind == ByteClass::Letter) {
      ++ascii_letters;
    } else if (kind != ByteClass::Multibyte) {
      break;
    } else if (byte >= 0xE0) {
      quarters += 4;  // The lead byte of a 3- or 4-byte character: CJK, symbols, emoji.
    } else if (byte >= 0xC0) {
      quarters += 2;  // The lead byte of a 2-byte character: accented Latin, Greek, Cyrillic.
    }
  }
  if (ascii_letters > 0) {
    quarters += 4;
    if (ascii_letters > kLettersInFirstToken) quarters += ascii_letters - kLettersInFirstToken;
  }
  static_assert(kLettersPerExtraToken == 4, "one extra letter is one quarter token");
  return quarters;
}

template <typename Predicate>
std::size_t skipWhile(std::string_view text, std::size_t i, Predicate keep) {
  while (i < text.size() && keep(classOf(text, i))) ++i;
  return i;
}

}  // namespace

std::int64_t estimateTokens(std::string_view text) {
  std::size_t quarters = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const ByteClass kind = classOf(text, i);
    const std::size_t start = i;
    switch (kind) {
      case ByteClass::Letter:
      case ByteClass::Multibyte:
        quarters += wordQuarterTokens(text, i);
        break;
      case ByteClass::Digit:
        i = skipWhile(text, i, [](ByteClass c) { return c == ByteClass::Digit; });
        quarters += 4 * ((i - start + kDigitsPerToken - 1) / kDigitsPerToken);
        break;
      case ByteClass::Space:
        // One space joins the next word for free; a longer run (indentation) is one token.
        i = skipWhile(text, i, [](ByteClass c) { return c == ByteClass::Space; });
        if (i - start > 1) quarters += 4;
        break;
      case ByteClass::LineBreak:
        i = skipWhile(text, i, [](ByteClass c) { return c == ByteClass::LineBreak || c == ByteClass::Space; });
        quarters += 2;
        break;
      case ByteClass::Punctuation:
        // Common runs such as "**", ".\n" or "{{" are mostly one token each.
        i = skipWhile(text, i, [](ByteClass c) { return c == ByteClass::Punctuation; });
        quarters += 4 + (i - start - 1) / 2;
        break;
    }
  }
  return static_cast<std::int64_t>((quarters + 3) / 4);
}

std::int64_t estimatePromptTokens(const ChatRequest& request) {
  std::int64_t tokens = kTokensPerReply;
  for (const auto& message : request.messages) tokens += kTokensPerMessage + estimateTokens(message.text);
  if (!request.tool_definitions.empty()) tokens += estimateTokens(request.tool_definitions);
  return tokens;
}

}  // namespace pointsman::analyze
