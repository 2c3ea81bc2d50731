#include <pointsman/analyze/token_estimator.hpp>

#include "analyze/byte_masks.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>

namespace pointsman::analyze {
namespace {

using masks::ByteClassMasks;

// Fitted on the even rows of RouterArena's sub_10 split against the mean of two providers'
// counts (tools/eval_analyzers.cpp, `tokens` command).
constexpr unsigned kLettersInFirstToken = 8;
constexpr unsigned kLettersPerExtraToken = 4;
constexpr unsigned kDigitsPerToken = 3;
static_assert(kLettersPerExtraToken == 4, "one extra letter is one quarter token");
static_assert(kDigitsPerToken == 3, "digitQuarters counts every third digit of a run");

// The estimate prices runs of one byte class (see token_estimator.hpp). Each rule is written as a
// price per byte that depends on the byte's index in its run. Such a rule looks back a bounded
// number of bytes or follows a run, so bit operations on the class masks price a block of 64
// bytes. The state below carries the runs that are still open at the end of a block.
struct OpenRuns {
  /// ASCII letters of the open word run, at most kLettersInFirstToken: more price the same.
  unsigned letters = 0;
  /// Bytes of the open digit run. Past kDigitsPerToken only its remainder modulo 3 counts.
  unsigned digits = 0;
  /// Bytes of the open punctuation run. Past 2 only its parity counts.
  unsigned punctuation = 0;
  /// The last byte is a space.
  bool space = false;
  /// The last byte is a space or a line break.
  bool last_whitespace = false;
  /// The byte before the last is a space or a line break.
  bool second_last_whitespace = false;
  /// The last byte belongs to a line break run, which also takes the spaces after a line break.
  bool line_break_run = false;
};

// Returns the last bytes of the previous block as bits 0..7 of a virtual byte, with bit 7 for the
// byte right before the block: the `open` bytes of a run that ended the previous block.
std::uint64_t openBits(unsigned open) { return (std::uint64_t{0xFF00} >> std::min(open, 8u)) & 0xFF; }

// Returns `mask` moved up by `shift` <= 8 bytes with the previous block's `open_bits` shifted in
// below it. Bit i of the result is set when byte i - shift is in the class.
std::uint64_t shiftedIn(std::uint64_t mask, unsigned shift, std::uint64_t open_bits) {
  return (mask << shift) | (open_bits >> (8 - shift));
}

// Returns the bytes of `mask` that the run continues to, started from `seeds`: adding a seed to
// the lowest bit of a run of ones carries through the whole run and clears it.
std::uint64_t runsFromSeeds(std::uint64_t mask, std::uint64_t seeds) { return mask & ~(mask + seeds); }

// Returns the open run of `mask` after the block: its bytes counted from the run's start, which
// may lie in earlier blocks.
unsigned openRunAfter(std::uint64_t mask, unsigned open_before) {
  const int length = masks::runLengthEndingAt(mask, 63);
  return length == 64 ? open_before + 64 : static_cast<unsigned>(length);
}

// Calls `price(index, length)` for each stretch of `tail`, the run bytes whose index in their run
// is at least `first_index`. A stretch at bit 0 continues the run open before the block, whose
// index there is `open`.
template <typename Price>
std::size_t priceRunTails(std::uint64_t tail, unsigned first_index, unsigned open, Price price) {
  std::size_t quarters = 0;
  while (tail != 0) {
    const int start = std::countr_zero(tail);
    const int length = masks::runLength(tail, start);
    quarters += price(start == 0 ? open : first_index, static_cast<unsigned>(length));
    tail &= start + length >= 64 ? 0 : ~std::uint64_t{0} << (start + length);
  }
  return quarters;
}

// UTF-8 lead bytes: 4 quarters for a 3- or 4-byte character (CJK, symbols, emoji), 2 for a 2-byte
// one (accented Latin, Greek, Cyrillic). Continuation bytes are free.
std::size_t multibyteQuarters(const unsigned char* bytes, std::uint64_t non_ascii) {
  if (non_ascii == 0) return 0;
  const std::uint64_t lead3 = masks::bytesAtLeast(bytes, non_ascii, 0xE0);
  const std::uint64_t lead2 = masks::bytesAtLeast(bytes, non_ascii, 0xC0) & ~lead3;
  return 4 * masks::countBits(lead3) + 2 * masks::countBits(lead2);
}

// A word is a run of letters and non-ASCII bytes, as byte-pair tokenizers keep accented letters
// and scripts without spaces inside words. Its first ASCII letter costs one token, its letters
// past the eighth a quarter each.
// Sets `token_starts` to the first letters and `past_eighth` to the letters past the eighth of a
// pure ASCII block, and returns the quarters of the letters past the eighth of a block with
// non-ASCII bytes.
std::size_t letterQuarters(const ByteClassMasks& m, std::size_t size, OpenRuns& open, std::uint64_t& token_starts,
                           std::uint64_t& past_eighth) {
  const std::uint64_t lettered_before_block = open.letters > 0 ? 1 : 0;
  // Non-ASCII bytes of a word that already had a letter: a seed after each letter runs on
  // through the non-ASCII bytes that follow it.
  const std::uint64_t seeds = m.non_ascii & ((m.letter << 1) | lettered_before_block);
  const std::uint64_t lettered_non_ascii = runsFromSeeds(m.non_ascii, seeds);
  const std::uint64_t letter_before = ((m.letter | lettered_non_ascii) << 1) | lettered_before_block;
  token_starts = m.letter & ~letter_before;

  if (m.non_ascii == 0) {
    // A letter past the eighth has eight letters right before it. Bit j of `window` is byte
    // j - 8, so the open letters of the previous block fit below the block's own.
    __extension__ using Window = unsigned __int128;
    const Window window = (Window{m.letter} << 8) | openBits(open.letters);
    const Window two = window & (window << 1);
    const Window four = two & (two << 2);
    const Window eight = four & (four << 4);
    past_eighth = m.letter & static_cast<std::uint64_t>(eight >> 7);
    open.letters = std::min(kLettersInFirstToken, openRunAfter(m.letter, open.letters));
    return 0;
  }
  // Non-ASCII bytes inside a word do not count as letters, so the letters are counted one by one.
  std::size_t quarters = 0;
  unsigned letters = open.letters;
  for (std::size_t i = 0; i < size; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    if ((m.letter & bit) != 0) {
      letters = std::min(letters + 1, kLettersInFirstToken + 1);
      quarters += letters > kLettersInFirstToken ? 1 : 0;
    } else if ((m.non_ascii & bit) == 0) {
      letters = 0;
    }
  }
  open.letters = std::min(letters, kLettersInFirstToken);
  return quarters;
}

// One token per started group of three digits: at the digits whose index in the run is 0, 3, 6...
// Sets `token_starts` to the run starts and returns the quarters of the rest.
std::size_t digitQuarters(std::uint64_t digit, OpenRuns& open, std::uint64_t& token_starts) {
  const std::uint64_t open_bits = openBits(open.digits);
  token_starts = digit & ~shiftedIn(digit, 1, open_bits);
  const std::uint64_t fourth_on =
      digit & shiftedIn(digit, 1, open_bits) & shiftedIn(digit, 2, open_bits) & shiftedIn(digit, 3, open_bits);
  const auto groups_begun = [](unsigned digits) { return (digits + kDigitsPerToken - 1) / kDigitsPerToken; };
  std::size_t quarters = priceRunTails(fourth_on, 3, open.digits, [&](unsigned index, unsigned length) {
    return 4 * (groups_begun(index + length) - groups_begun(index));
  });
  const unsigned after = openRunAfter(digit, open.digits);
  open.digits = after < 3 ? after : 3 + (after - 3) % 3;
  return quarters;
}

// A punctuation run of n bytes costs 4 + (n - 1) / 2 quarters, because common runs such as "**",
// ".\n" or "{{" are mostly one token each. That is 4 at its first byte and 1 at each byte of index
// 2, 4, 6...
std::size_t punctuationQuarters(std::uint64_t punctuation, OpenRuns& open, std::uint64_t& token_starts) {
  const std::uint64_t open_bits = openBits(open.punctuation);
  token_starts = punctuation & ~shiftedIn(punctuation, 1, open_bits);
  const std::uint64_t third_on =
      punctuation & shiftedIn(punctuation, 1, open_bits) & shiftedIn(punctuation, 2, open_bits);
  const auto even_indexes_below = [](unsigned end) { return (end + 1) / 2; };
  std::size_t quarters = priceRunTails(third_on, 2, open.punctuation, [&](unsigned index, unsigned length) {
    return even_indexes_below(index + length) - even_indexes_below(index);
  });
  const unsigned after = openRunAfter(punctuation, open.punctuation);
  open.punctuation = after < 2 ? after : 2 + (after - 2) % 2;
  return quarters;
}

// One space joins the next word for free, and a longer run (indentation) is one token, charged at
// its second space. A line break run (line breaks and the spaces after them) is half a token.
// Sets `token_starts` to the second spaces of space runs and returns the bytes that start a line
// break run.
std::uint64_t whitespaceStarts(const ByteClassMasks& m, OpenRuns& open, std::uint64_t& token_starts) {
  const std::uint64_t whitespace = m.space | m.line_break;
  const std::uint64_t space_before = (m.space << 1) | (open.space ? 1 : 0);
  const std::uint64_t whitespace_two_before =
      (whitespace << 2) | (open.last_whitespace ? 2 : 0) | (open.second_last_whitespace ? 1 : 0);
  token_starts = m.space & space_before & ~whitespace_two_before;

  const std::uint64_t run_open_before = open.line_break_run ? 1 : 0;
  const std::uint64_t seeds = m.space & ((m.line_break << 1) | run_open_before);
  const std::uint64_t line_break_run = m.line_break | runsFromSeeds(m.space, seeds);
  const std::uint64_t line_break_starts = m.line_break & ~((line_break_run << 1) | run_open_before);

  open.space = (m.space >> 63) != 0;
  open.last_whitespace = (whitespace >> 63) != 0;
  open.second_last_whitespace = ((whitespace >> 62) & 1) != 0;
  open.line_break_run = (line_break_run >> 63) != 0;
  return line_break_starts;
}

// Prices one block of up to 64 bytes. Only a full block passes `open` on, so the shifts of the
// open runs above read bit 63. The bytes that cost a whole token belong to different classes, so
// one count of their union prices them all.
std::size_t blockQuarters(const unsigned char* bytes, const ByteClassMasks& m, std::size_t size, OpenRuns& open) {
  const std::uint64_t punctuation = m.valid & ~(m.letter | m.digit | m.non_ascii | m.space | m.line_break);
  std::uint64_t letter_starts = 0;
  std::uint64_t past_eighth = 0;
  std::uint64_t digit_starts = 0;
  std::uint64_t punctuation_starts = 0;
  std::uint64_t second_spaces = 0;
  std::size_t quarters = multibyteQuarters(bytes, m.non_ascii);
  quarters += letterQuarters(m, size, open, letter_starts, past_eighth);
  quarters += digitQuarters(m.digit, open, digit_starts);
  quarters += punctuationQuarters(punctuation, open, punctuation_starts);
  const std::uint64_t line_break_starts = whitespaceStarts(m, open, second_spaces);
  quarters += 4 * masks::countBits(letter_starts | digit_starts | punctuation_starts | second_spaces);
  quarters += 2 * masks::countBits(line_break_starts) + masks::countBits(past_eighth);
  return quarters;
}

}  // namespace

std::int64_t estimateTokens(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  OpenRuns open;
  std::size_t quarters = 0;
  std::size_t at = 0;
  for (; at + masks::kBlockBytes <= text.size(); at += masks::kBlockBytes) {
    quarters += blockQuarters(bytes + at, masks::classifyBlock(bytes + at), masks::kBlockBytes, open);
  }
  if (at < text.size()) {
    const std::size_t rest = text.size() - at;
    quarters += blockQuarters(bytes + at, masks::classifyBytes(bytes + at, rest), rest, open);
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
