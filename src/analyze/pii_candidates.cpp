// The candidate pass of the PII detector: one branch-free read of the text that marks the
// positions where a scanner may start, so that the scan loop skips the plain words between them.
#include "analyze/text_scan.hpp"

#include <algorithm>

namespace pointsman::analyze::scan {
namespace {

// The scanners look at most this many bytes past a word start before they can reject it.
constexpr std::size_t kLookahead = 5;

// The byte tests below use no table and no branch, because either keeps the compiler from
// vectorising the loop.
ByteMask inRange(unsigned char c, unsigned char low, unsigned char high) {
  return byteMask(static_cast<unsigned char>(c - low) <= static_cast<unsigned char>(high - low));
}

ByteMask equals(unsigned char c, char expected) { return byteMask(c == static_cast<unsigned char>(expected)); }

ByteMask wordByte(unsigned char c) {
  return inRange(c, 'a', 'z') | inRange(c, 'A', 'Z') | inRange(c, '0', '9') | equals(c, '_') | byteMask(c >= 0x80);
}

// Whether a scanner may start at `at`, for 1 <= at and at + kLookahead < text.size().
ByteMask candidateAt(const unsigned char* text, std::size_t at) {
  const unsigned char c = text[at];
  const ByteMask after_other = static_cast<ByteMask>(~wordByte(text[at - 1]));
  const ByteMask word_start = wordByte(c) & after_other;
  const ByteMask symbol_start =
      after_other & (equals(c, '+') | equals(c, '(') | equals(c, '-') | equals(c, ':'));

  // A lowercase word starts something only as an API key, as an IBAN (two digits after two
  // letters) or as an IPv6 address (hex letters and a colon within the first five bytes).
  const ByteMask colon_near = equals(text[at + 1], ':') | equals(text[at + 2], ':') | equals(text[at + 3], ':') |
                              equals(text[at + 4], ':') | equals(text[at + 5], ':');
  const ByteMask iban_digits = inRange(text[at + 2], '0', '9') & inRange(text[at + 3], '0', '9');
  const ByteMask lowercase_candidate =
      inRange(c, 'a', 'z') &
      (lowercaseSecretStart(c, text[at + 1]) | iban_digits | (inRange(c, 'a', 'f') & colon_near));
  // Capitals start names, keys and IBANs, digits start numbers, and C3 starts a Latin-1 capital.
  const ByteMask other_candidate = inRange(c, 'A', 'Z') | inRange(c, '0', '9') | byteMask(c == 0xC3);

  return equals(c, '@') | symbol_start | (word_start & (lowercase_candidate | other_candidate));
}

}  // namespace

void markPiiCandidates(std::string_view text, std::size_t begin, std::size_t end, std::uint8_t* marks) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  // The first byte and the last few lack the neighbours that candidateAt reads, so they are
  // marked as candidates; the scan loop then checks them as it checks any other.
  const std::size_t inner_begin = std::max<std::size_t>(begin, 1);
  const std::size_t inner_end = std::max(inner_begin, std::min(end, text.size() > kLookahead ? text.size() - kLookahead : 0));
  std::fill(marks, marks + (end - begin), std::uint8_t{1});
  for (std::size_t at = inner_begin; at < inner_end; ++at) {
    marks[at - begin] = candidateAt(bytes, at);
  }
}

}  // namespace pointsman::analyze::scan
