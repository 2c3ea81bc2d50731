// The candidate pass of the PII detector: one branch-free read of the text that marks the
// positions where a scanner may start, so that the scan loop skips the plain words between them.
#include "analyze/byte_masks.hpp"
#include "analyze/text_scan.hpp"

#include <algorithm>
#include <array>


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

// Packs marks of 0 or 0xFF into one bit per position.
std::uint64_t packMarks(const std::array<ByteMask, kCandidateBlockBytes>& marks) {
  std::uint64_t packed = 0;
  for (std::size_t k = 0; k < kCandidateBlockBytes; ++k) packed |= std::uint64_t{marks[k] != 0} << k;
  return packed;
}

// Runs candidateAt at each position of the block, and marks the first byte and the last few of
// the text, which lack the neighbours that candidateAt reads. The scan loop then checks them as
// it checks any other.
std::uint64_t candidatesByByte(const unsigned char* bytes, std::size_t size, std::size_t begin, std::size_t end) {
  const std::size_t inner_begin = std::max<std::size_t>(begin, 1);
  const std::size_t inner_end = std::max(inner_begin, std::min(end, size > kLookahead ? size - kLookahead : 0));
  std::array<ByteMask, kCandidateBlockBytes> marks;
  marks.fill(0xFF);
  for (std::size_t at = inner_begin; at < inner_end; ++at) marks[at - begin] = candidateAt(bytes, at);
  const std::size_t count = end - begin;
  return packMarks(marks) & masks::firstBytes(count);
}

// Whether lowercaseSecretStart accepts exactly the pairs that addClassesOf16 tests.
constexpr bool secretStartsAre(std::string_view pairs) {
  for (int first = 0; first < 256; ++first) {
    for (int second = 0; second < 256; ++second) {
      bool listed = false;
      for (std::size_t k = 0; k + 1 < pairs.size(); k += 2) {
        listed = listed || (static_cast<unsigned char>(pairs[k]) == first &&
                            static_cast<unsigned char>(pairs[k + 1]) == second);
      }
      const bool accepted =
          lowercaseSecretStart(static_cast<unsigned char>(first), static_cast<unsigned char>(second)) != 0;
      if (listed != accepted) return false;
    }
  }
  return true;
}
static_assert(secretStartsAre("skghgixork"), "update the pairs in addClassesOf16 with lowercaseSecretStart");

#if defined(__SSE2__)
// The byte classes that candidateAt tests, one bit per byte of a block of 64.
struct CandidateClasses {
  std::uint64_t word = 0;
  /// Capitals, digits and C3, which start a candidate at a word start.
  std::uint64_t other = 0;
  std::uint64_t lower = 0;
  std::uint64_t hex_lower = 0;
  /// The first letter of a pair that lowercaseSecretStart accepts.
  std::uint64_t secret_start = 0;
  std::uint64_t at_sign = 0;
  /// `+`, `(`, `-` and `:`.
  std::uint64_t symbol = 0;
  std::uint64_t colon = 0;
  std::uint64_t digit = 0;
};

__m128i equalsVector(__m128i v, char expected) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(expected)); }

__m128i inRangeVector(__m128i v, char low, char high) { return masks::inRange16(v, low, high); }

std::uint64_t bitsOf(__m128i bytes_true, int part) {
  return std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(bytes_true))} << (16 * part);
}

void addClassesOf16(const unsigned char* bytes, int part, CandidateClasses& classes) {
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 1));
  const __m128i digit = inRangeVector(c, '0', '9');
  const __m128i lower = inRangeVector(c, 'a', 'z');
  const __m128i upper = inRangeVector(c, 'A', 'Z');
  const __m128i colon = equalsVector(c, ':');
  const __m128i non_ascii = _mm_cmplt_epi8(c, _mm_setzero_si128());
  const __m128i word =
      _mm_or_si128(_mm_or_si128(lower, upper), _mm_or_si128(_mm_or_si128(digit, non_ascii), equalsVector(c, '_')));
  const __m128i other = _mm_or_si128(_mm_or_si128(upper, digit), equalsVector(c, static_cast<char>(0xC3)));
  // The pairs of lowercaseSecretStart: "sk", "gh", "gi", "xo" and "rk".
  const __m128i secret_start = _mm_or_si128(
      _mm_or_si128(_mm_and_si128(equalsVector(c, 's'), equalsVector(next, 'k')),
                   _mm_and_si128(equalsVector(c, 'g'), _mm_or_si128(equalsVector(next, 'h'), equalsVector(next, 'i')))),
      _mm_or_si128(_mm_and_si128(equalsVector(c, 'x'), equalsVector(next, 'o')),
                   _mm_and_si128(equalsVector(c, 'r'), equalsVector(next, 'k'))));
  const __m128i symbol =
      _mm_or_si128(_mm_or_si128(equalsVector(c, '+'), equalsVector(c, '(')), _mm_or_si128(equalsVector(c, '-'), colon));
  classes.word |= bitsOf(word, part);
  classes.other |= bitsOf(other, part);
  classes.lower |= bitsOf(lower, part);
  classes.hex_lower |= bitsOf(inRangeVector(c, 'a', 'f'), part);
  classes.secret_start |= bitsOf(secret_start, part);
  classes.at_sign |= bitsOf(equalsVector(c, '@'), part);
  classes.symbol |= bitsOf(symbol, part);
  classes.colon |= bitsOf(colon, part);
  classes.digit |= bitsOf(digit, part);
}

// The test of candidateAt on the class masks of a block. `colon_after` and `digit_after` are
// the classes of the bytes after the block, and `word_before` is 1 when the byte before it is a
// word byte.
std::uint64_t candidatesOfClasses(const CandidateClasses& classes, std::uint64_t colon_after, std::uint64_t digit_after,
                                  std::uint64_t word_before) {
  // Bit i of ahead(mask, mask_after, k) is the class of byte i + k.
  const auto ahead = [](std::uint64_t mask, std::uint64_t mask_after, unsigned k) {
    return (mask >> k) | (mask_after << (64 - k));
  };
  const std::uint64_t after_other = ~((classes.word << 1) | word_before);
  std::uint64_t colon_near = 0;
  for (unsigned k = 1; k <= kLookahead; ++k) colon_near |= ahead(classes.colon, colon_after, k);
  const std::uint64_t iban_digits = ahead(classes.digit, digit_after, 2) & ahead(classes.digit, digit_after, 3);
  // The secret and hex letters are lowercase letters already.
  const std::uint64_t lowercase_candidate =
      classes.secret_start | (classes.lower & iban_digits) | (classes.hex_lower & colon_near);
  const std::uint64_t word_start = classes.word & after_other;
  return classes.at_sign | (after_other & classes.symbol) | (word_start & (lowercase_candidate | classes.other));
}

// The test of candidateAt for the 64 positions of the block at `bytes`, on bit masks. It reads
// the byte before the block and 16 after it, which must exist.
std::uint64_t candidatesByMask(const unsigned char* bytes) {
  CandidateClasses classes;
  for (int part = 0; part < 4; ++part) addClassesOf16(bytes + 16 * part, part, classes);
  const __m128i after = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + kCandidateBlockBytes));
  const std::uint64_t word_before = isWordChar(static_cast<char>(bytes[-1])) ? 1 : 0;
  return candidatesOfClasses(classes, bitsOf(equalsVector(after, ':'), 0), bitsOf(inRangeVector(after, '0', '9'), 0),
                             word_before);
}
#endif

#if defined(POINTSMAN_HAS_AVX2_PATHS)
// The AVX2 reader: the classes of addClassesOf16 for 32 bytes at a time, in functions compiled
// for AVX2 that markPiiCandidates calls only when masks::kCpuHasAvx2 is true.
__attribute__((target("avx2"), always_inline)) inline __m256i equalsVector32(__m256i v, char expected) {
  return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(expected));
}

__attribute__((target("avx2"), always_inline)) inline std::uint64_t bitsOf32(__m256i bytes_true,
                                                                             int part) {
  return std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(bytes_true))} << (32 * part);
}

// Sets the classes of the 32 bytes at `bytes` as bits 32 * part to 32 * part + 31 of `classes`.
// Inlined into its caller, so that both halves of a block share the vector constants.
__attribute__((target("avx2"), always_inline)) inline void addClassesOf32(
    const unsigned char* bytes, int part, CandidateClasses& classes) {
  const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes));
  const __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + 1));
  const __m256i digit = masks::inRange32(c, '0', '9');
  const __m256i lower = masks::inRange32(c, 'a', 'z');
  const __m256i upper = masks::inRange32(c, 'A', 'Z');
  const __m256i colon = equalsVector32(c, ':');
  const __m256i non_ascii = _mm256_cmpgt_epi8(_mm256_setzero_si256(), c);
  const __m256i word =
      _mm256_or_si256(_mm256_or_si256(lower, upper),
                      _mm256_or_si256(_mm256_or_si256(digit, non_ascii), equalsVector32(c, '_')));
  const __m256i other =
      _mm256_or_si256(_mm256_or_si256(upper, digit), equalsVector32(c, static_cast<char>(0xC3)));
  // The pairs of lowercaseSecretStart: "sk", "gh", "gi", "xo" and "rk".
  const __m256i secret_start = _mm256_or_si256(
      _mm256_or_si256(
          _mm256_and_si256(equalsVector32(c, 's'), equalsVector32(next, 'k')),
          _mm256_and_si256(equalsVector32(c, 'g'),
                           _mm256_or_si256(equalsVector32(next, 'h'), equalsVector32(next, 'i')))),
      _mm256_or_si256(_mm256_and_si256(equalsVector32(c, 'x'), equalsVector32(next, 'o')),
                      _mm256_and_si256(equalsVector32(c, 'r'), equalsVector32(next, 'k'))));
  const __m256i symbol =
      _mm256_or_si256(_mm256_or_si256(equalsVector32(c, '+'), equalsVector32(c, '(')),
                      _mm256_or_si256(equalsVector32(c, '-'), colon));
  classes.word |= bitsOf32(word, part);
  classes.other |= bitsOf32(other, part);
  classes.lower |= bitsOf32(lower, part);
  classes.hex_lower |= bitsOf32(masks::inRange32(c, 'a', 'f'), part);
  classes.secret_start |= bitsOf32(secret_start, part);
  classes.at_sign |= bitsOf32(equalsVector32(c, '@'), part);
  classes.symbol |= bitsOf32(symbol, part);
  classes.colon |= bitsOf32(colon, part);
  classes.digit |= bitsOf32(digit, part);
}

// candidatesByMask with the classes read 32 bytes at a time. It reads the same bytes with about
// half the instructions, on the pass that costs the PII detector most on a long prompt.
__attribute__((target("avx2"))) std::uint64_t candidatesByMaskAvx2(const unsigned char* bytes) {
  CandidateClasses classes;
  addClassesOf32(bytes, 0, classes);
  addClassesOf32(bytes + 32, 1, classes);
  const __m128i after =
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + kCandidateBlockBytes));
  const std::uint64_t word_before = isWordChar(static_cast<char>(bytes[-1])) ? 1 : 0;
  return candidatesOfClasses(classes, bitsOf(equalsVector(after, ':'), 0),
                             bitsOf(inRangeVector(after, '0', '9'), 0), word_before);
}

#endif

// Whether the block at `begin` lies away from both ends of the text, so that it has every
// neighbour that the masks read.
bool isInnerBlock(std::string_view text, std::size_t begin) {
  return begin >= 1 && begin + kCandidateBlockBytes + 16 <= text.size();
}

}  // namespace

bool candidateReaderSupported(CandidateReader reader) {
  switch (reader) {
    case CandidateReader::ByteByByte:
      return true;
    case CandidateReader::Sse2:
#if defined(__SSE2__)
      return true;
#else
      return false;
#endif
    case CandidateReader::Avx2:
#if defined(POINTSMAN_HAS_AVX2_PATHS)
      return masks::kCpuHasAvx2;
#else
      return false;
#endif
  }
  return false;
}

std::uint64_t markPiiCandidatesWith(CandidateReader reader, std::string_view text, std::size_t begin) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  if (isInnerBlock(text, begin) && candidateReaderSupported(reader)) {
#if defined(POINTSMAN_HAS_AVX2_PATHS)
    if (reader == CandidateReader::Avx2) return candidatesByMaskAvx2(bytes + begin);
#endif
#if defined(__SSE2__)
    if (reader == CandidateReader::Sse2) return candidatesByMask(bytes + begin);
#endif
  }
  return candidatesByByte(bytes, text.size(), begin, std::min(text.size(), begin + kCandidateBlockBytes));
}

std::uint64_t markPiiCandidates(std::string_view text, std::size_t begin) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  if (isInnerBlock(text, begin)) {
#if defined(POINTSMAN_HAS_AVX2_PATHS)
    if (masks::kCpuHasAvx2) return candidatesByMaskAvx2(bytes + begin);
#endif
#if defined(__SSE2__)
    return candidatesByMask(bytes + begin);
#endif
  }
  return candidatesByByte(bytes, text.size(), begin, std::min(text.size(), begin + kCandidateBlockBytes));
}

}  // namespace pointsman::analyze::scan
