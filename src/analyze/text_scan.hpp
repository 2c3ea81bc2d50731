#pragma once

#include <pointsman/analyze/pii_detector.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

// Character tests and word scanning shared by the PII scanners. They work on bytes: a UTF-8
// byte of 0x80 or more counts as a letter, so words in other scripts stay whole.
namespace pointsman::analyze::scan {

inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool isLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool isAsciiLetter(char c) { return isUpper(c) || isLower(c); }
inline bool isNonAscii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

constexpr std::array<bool, 256> makeWordChars() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                         c == '_' || c >= 0x80;
  }
  return table;
}

/// Letters, digits, `_` and UTF-8 bytes, as one table lookup: the scan tests every byte.
inline constexpr std::array<bool, 256> kWordChars = makeWordChars();

inline bool isWordChar(char c) { return kWordChars[static_cast<unsigned char>(c)]; }
inline bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// Compares byte by byte: the prefixes are short and most words differ in the first byte or two,
/// where a call to memcmp would cost more than the comparison.
inline bool startsWith(std::string_view text, std::size_t at, std::string_view prefix) {
  if (text.size() - at < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (text[at + i] != prefix[i]) return false;
  }
  return true;
}

/// Returns the end of the run of word characters that starts at `at`.
inline std::size_t wordEnd(std::string_view text, std::size_t at) {
  while (at < text.size() && isWordChar(text[at])) ++at;
  return at;
}

/// The end of the word at `at`, as `wordEnd` finds it, and the word's `hashFoldedWord`.
struct HashedWord {
  std::size_t end = 0;
  std::uint64_t hash = 0;
};

/// Maps each word byte (see isWordChar) to its form as FoldedWordHasher::add folds it, and every
/// other byte to 0, so that one lookup both ends a word and folds its bytes.
inline constexpr std::array<unsigned char, 256> kFoldedWordChars = [] {
  std::array<unsigned char, 256> folded{};
  for (int c = 1; c < 256; ++c) {
    if (!kWordChars[static_cast<std::size_t>(c)]) continue;
    folded[static_cast<std::size_t>(c)] =
        static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return folded;
}();

/// Finds the word's end and hashes it in one pass, so a gazetteer lookup need not read it again.
inline HashedWord hashedWordEnd(std::string_view text, std::size_t at) {
  FoldedWordHasher hasher;
  for (; at < text.size(); ++at) {
    const unsigned char folded = kFoldedWordChars[static_cast<unsigned char>(text[at])];
    if (folded == 0) break;
    hasher.addLowercase(folded);
  }
  return {at, hasher.value()};
}

/// A byte that is 0xFF for true and 0 for false. The candidate pass combines such masks with `&`
/// and `|`. GCC 12 turns a chain of `==` on one byte joined by `||`, or by `|` of bools, into a
/// branch or a bit test, and either keeps it from vectorising the loop.
using ByteMask = std::uint8_t;

constexpr ByteMask byteMask(bool value) { return static_cast<ByteMask>(-static_cast<int>(value)); }

/// Returns 0xFF when a word starting with the lowercase letter `first` and then `second` may
/// start an API key ("sk", "gh", "gi", "xo" or "rk"). pii_detector.cpp checks it against the key
/// prefixes.
constexpr ByteMask lowercaseSecretStart(unsigned char first, unsigned char second) {
  return (byteMask(first == 's') & byteMask(second == 'k')) |
         (byteMask(first == 'g') & (byteMask(second == 'h') | byteMask(second == 'i'))) |
         (byteMask(first == 'x') & byteMask(second == 'o')) | (byteMask(first == 'r') & byteMask(second == 'k'));
}

/// Positions of text that one call of `markPiiCandidates` marks.
inline constexpr std::size_t kCandidateBlockBytes = 64;

/// Returns a mask whose bit k is set where a scanner may start at text[begin + k], for the
/// positions of [begin, begin + kCandidateBlockBytes) inside the text. A bit is clear where the
/// position is known to start nothing: inside a word, or at a lowercase word such as "the" that
/// no scanner accepts. It reads the bytes without branches, 16 at a time where SSE2 exists, so
/// that the scan loop visits only the few marked positions.
std::uint64_t markPiiCandidates(std::string_view text, std::size_t begin);

/// Sets marks[k] to markPiiCandidates(text, begin + k * kCandidateBlockBytes) for each block
/// that starts inside the text, and returns how many it set. Marking many blocks in one call
/// costs fewer instructions per block than one call per block.
std::size_t markPiiCandidateBlocks(std::string_view text, std::size_t begin,
                                   std::span<std::uint64_t> marks);

/// The ways of marking a block. markPiiCandidates takes AVX2 where masks::kCpuHasAvx2 is true,
/// else SSE2 away from both ends of the text and byte by byte near them. Every reader marks the
/// same positions.
enum class CandidateReader { ByteByByte, Sse2, Avx2 };

/// Whether this build and CPU can run `reader`.
bool candidateReaderSupported(CandidateReader reader);

/// markPiiCandidates with the given reader, for the tests that compare the readers. An
/// unsupported reader goes byte by byte, and so does the SSE2 reader at a block near an end of
/// the text.
std::uint64_t markPiiCandidatesWith(CandidateReader reader, std::string_view text, std::size_t begin);

/// The matches found so far, which the scanners append in order of position.
using Matches = std::vector<PiiMatch>;

/// Checks for an SSN, an IPv4 address, a payment card or a phone number at `at`, a digit, `+` or
/// `(`, and returns where scanning goes on. A short number that ends alone ("37 regions") returns
/// before the digit groups are read.
std::size_t scanNumber(std::string_view text, std::size_t at, Matches& out);

/// scanNumber without the return for a short lone number, for the test that compares the two.
std::size_t scanNumberWithoutShortcut(std::string_view text, std::size_t at, Matches& out);

/// The capitalised word after the one ending at `end`, past one space and an optional middle
/// initial ("Faina D. Yefremova"): the word that scanPersonName may take as the surname. Empty
/// when there is none.
std::string_view nextCapitalisedWord(std::string_view text, std::size_t end);

/// Checks for a person name at the capitalised word from `begin` to `word.end` and returns where
/// scanning goes on (past a surname that belongs to the match).
std::size_t scanPersonName(std::string_view text, std::size_t begin, HashedWord word, const NameGazetteer& names,
                           Matches& out);

}  // namespace pointsman::analyze::scan
