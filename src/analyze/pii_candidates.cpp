// The candidate pass of the PII detector: one branch-free read of the text that marks the
// positions where a scanner may start, so that the scan loop skips the plain words between them.
#include "analyze/byte_masks.hpp"
#include "analyze/text_scan.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <span>

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

// Byte classes for a table lookup by nibbles. A byte is in a class when its high nibble is in
// one set and its low nibble in another. Bit n of a nibble set stands for nibble n.
struct NibbleClass {
  std::uint8_t bit;
  std::uint16_t high_nibbles;
  std::uint16_t low_nibbles;
};

constexpr std::uint16_t nibbleRange(int first, int last) {
  return static_cast<std::uint16_t>(((1u << (last + 1)) - 1) & ~((1u << first) - 1));
}

constexpr std::uint16_t nibbles(std::initializer_list<int> values) {
  std::uint16_t set = 0;
  for (const int value : values) set = static_cast<std::uint16_t>(set | (1u << value));
  return set;
}

// The classes of the byte at a position. kStartBits are the classes that start a scanner after a
// non-word byte: capitals, digits, 0xC3 and `+ ( - :`.
constexpr std::uint8_t kStartBits = 0x0F;
constexpr std::uint8_t kAtSignBit = 0x10;
constexpr std::uint8_t kLowercaseBits = 0x60;
constexpr std::uint8_t kHexLowercaseBit = 0x80;
constexpr NibbleClass kPositionClasses[] = {
    {0x01, nibbles({3, 5}), nibbleRange(0x0, 0xA)},           // '0' to '9', ':' and 'P' to 'Z'
    {0x02, nibbles({4}), nibbleRange(0x1, 0xF)},              // 'A' to 'O'
    {0x04, nibbles({2}), nibbles({0x8, 0xB, 0xD})},           // '(', '+' and '-'
    {0x08, nibbles({0xC}), nibbles({0x3})},                   // 0xC3
    {kAtSignBit, nibbles({4}), nibbles({0x0})},               // '@'
    {0x20, nibbles({6}), nibbleRange(0x1, 0xF)},              // 'a' to 'o'
    {0x40, nibbles({7}), nibbleRange(0x0, 0xA)},              // 'p' to 'z'
    {kHexLowercaseBit, nibbles({6}), nibbleRange(0x1, 0x6)},  // 'a' to 'f'
};

// The word bytes of isWordChar, for the byte before a position: letters, digits, `_` and bytes of
// 0x80 or more.
constexpr NibbleClass kWordClasses[] = {
    {0x01, nibbles({4, 6}), nibbleRange(0x1, 0xF)},        // 'A' to 'O', 'a' to 'o'
    {0x02, nibbles({5, 7}), nibbleRange(0x0, 0xA)},        // 'P' to 'Z', 'p' to 'z'
    {0x04, nibbles({3}), nibbleRange(0x0, 0x9)},           // '0' to '9'
    {0x08, nibbles({5}), nibbles({0xF})},                  // '_'
    {0x10, nibbleRange(0x8, 0xF), nibbleRange(0x0, 0xF)},  // 0x80 to 0xFF
};

// The pairs of lowercaseSecretStart, as a class of the first letter and a class of the second
// letter with the same bit. A position starts a key when the classes of its byte and of the next
// byte share a bit.
constexpr NibbleClass kSecretFirstClasses[] = {
    {0x01, nibbles({7}), nibbles({0x2, 0x3})},  // 'r' and 's'
    {0x02, nibbles({6}), nibbles({0x7})},  // 'g'
    {0x04, nibbles({7}), nibbles({0x8})},  // 'x'
};
constexpr NibbleClass kSecretSecondClasses[] = {
    {0x01, nibbles({6}), nibbles({0xB})},  // 'k' after 'r' or 's'
    {0x02, nibbles({6}), nibbles({0x8, 0x9})},  // 'h' or 'i' after 'g'
    {0x04, nibbles({6}), nibbles({0xF})},  // 'o' after 'x'
};

// The tables of vpshufb, which looks up 16 bytes in each 128-bit lane, so each is stored twice.
struct NibbleTables {
  std::array<std::uint8_t, 32> low{};
  std::array<std::uint8_t, 32> high{};
};

template <std::size_t N>
constexpr NibbleTables nibbleTables(const NibbleClass (&classes)[N]) {
  NibbleTables tables;
  for (const auto& entry : classes) {
    for (int nibble = 0; nibble < 16; ++nibble) {
      for (const int lane : {0, 16}) {
        if ((entry.low_nibbles >> nibble) & 1) tables.low[lane + nibble] |= entry.bit;
        if ((entry.high_nibbles >> nibble) & 1) tables.high[lane + nibble] |= entry.bit;
      }
    }
  }
  return tables;
}

constexpr NibbleTables kPositionTables = nibbleTables(kPositionClasses);
constexpr NibbleTables kWordTables = nibbleTables(kWordClasses);
constexpr NibbleTables kSecretFirstTables = nibbleTables(kSecretFirstClasses);
constexpr NibbleTables kSecretSecondTables = nibbleTables(kSecretSecondClasses);

constexpr std::uint8_t lookUp(const NibbleTables& tables, int byte) {
  return static_cast<std::uint8_t>(tables.low[byte & 0xF] & tables.high[byte >> 4]);
}

// Whether the tables give the classes that candidateAt tests, for every byte.
constexpr bool nibbleTablesMatchCandidateAt() {
  for (int byte = 0; byte < 256; ++byte) {
    const auto c = static_cast<char>(byte);
    const std::uint8_t position = lookUp(kPositionTables, byte);
    const bool starts = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || byte == 0xC3 ||
                        c == '+' || c == '(' || c == '-' || c == ':';
    if (((position & kStartBits) != 0) != starts) return false;
    if (((position & kAtSignBit) != 0) != (c == '@')) return false;
    if (((position & kLowercaseBits) != 0) != (c >= 'a' && c <= 'z')) return false;
    if (((position & kHexLowercaseBit) != 0) != (c >= 'a' && c <= 'f')) return false;
    if ((lookUp(kWordTables, byte) != 0) != kWordChars[static_cast<unsigned char>(c)]) return false;
    for (int second = 0; second < 256; ++second) {
      const bool pair = (lookUp(kSecretFirstTables, byte) & lookUp(kSecretSecondTables, second)) != 0;
      const auto first_letter = static_cast<unsigned char>(byte);
      if (pair != (lowercaseSecretStart(first_letter, static_cast<unsigned char>(second)) != 0)) {
        return false;
      }
    }
  }
  return true;
}
static_assert(nibbleTablesMatchCandidateAt(), "the nibble classes differ from candidateAt");

#if defined(POINTSMAN_HAS_AVX2_PATHS)
// The AVX2 reader: candidateAt for 32 positions at a time on vectors, in functions compiled for
// AVX2 that markPiiCandidates calls only when masks::kCpuHasAvx2 is true. Two nibble lookups
// (vpshufb) give the classes of 32 bytes at once, and the neighbours of each position come from
// unaligned loads at offsets -1 to +5. So the whole test runs on vectors and one movemask gives
// the marks, where the SSE2 reader moves nine class masks to general registers and shifts them.
__attribute__((target("avx2"), always_inline)) inline __m256i load32(const unsigned char* bytes) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes));
}

__attribute__((target("avx2"), always_inline)) inline __m256i equalsVector32(__m256i v, char expected) {
  return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(expected));
}

// The low and the high nibbles of 32 bytes, the indexes of the table lookups.
struct Nibbles32 {
  __m256i low;
  __m256i high;
};

__attribute__((target("avx2"), always_inline)) inline Nibbles32 nibblesOf32(__m256i v) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  return {_mm256_and_si256(v, nibble), _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)};
}

// A pair of NibbleTables in vector registers.
struct Tables32 {
  __m256i low;
  __m256i high;
};

__attribute__((target("avx2"), always_inline)) inline Tables32 tablesOf32(const NibbleTables& tables) {
  return {load32(tables.low.data()), load32(tables.high.data())};
}

// The class bits of 32 bytes by the tables of their low and high nibbles.
__attribute__((target("avx2"), always_inline)) inline __m256i classesOf32(const Nibbles32& nibbles,
                                                                          const Tables32& tables) {
  return _mm256_and_si256(_mm256_shuffle_epi8(tables.low, nibbles.low),
                          _mm256_shuffle_epi8(tables.high, nibbles.high));
}

// The tables that candidatesOf32 looks up, loaded once per call of candidatesByMaskAvx2.
struct CandidateTables {
  Tables32 position;
  Tables32 word;
  Tables32 secret_first;
  Tables32 secret_second;
};

// The marks of the 32 positions at `bytes`. It reads bytes[-1] to bytes[36].
__attribute__((target("avx2"), always_inline)) inline std::uint32_t candidatesOf32(
    const unsigned char* bytes, const CandidateTables& tables) {
  const __m256i next = load32(bytes + 1);
  const Nibbles32 nibbles = nibblesOf32(load32(bytes));
  const __m256i classes = classesOf32(nibbles, tables.position);
  const __m256i after_other = _mm256_cmpeq_epi8(
      classesOf32(nibblesOf32(load32(bytes - 1)), tables.word), _mm256_setzero_si256());
  // Nonzero where the byte and the next one are a pair of lowercaseSecretStart.
  const __m256i secret_start = _mm256_and_si256(classesOf32(nibbles, tables.secret_first),
                                                classesOf32(nibblesOf32(next), tables.secret_second));
  const __m256i iban_digits = _mm256_and_si256(masks::inRange32(load32(bytes + 2), '0', '9'),
                                               masks::inRange32(load32(bytes + 3), '0', '9'));
  const __m256i colon_near = _mm256_or_si256(
      _mm256_or_si256(
          _mm256_or_si256(equalsVector32(next, ':'), equalsVector32(load32(bytes + 2), ':')),
          _mm256_or_si256(equalsVector32(load32(bytes + 3), ':'),
                          equalsVector32(load32(bytes + 4), ':'))),
      equalsVector32(load32(bytes + 5), ':'));
  // The class bits that start a scanner after a non-word byte here: the start classes always, a
  // lowercase letter before two digits, and a hex letter before a colon.
  const __m256i starting_bits = _mm256_or_si256(
      _mm256_set1_epi8(static_cast<char>(kStartBits)),
      _mm256_or_si256(
          _mm256_and_si256(iban_digits, _mm256_set1_epi8(static_cast<char>(kLowercaseBits))),
          _mm256_and_si256(colon_near, _mm256_set1_epi8(static_cast<char>(kHexLowercaseBit)))));
  // A byte of these vectors is nonzero where the position is marked.
  const __m256i candidate = _mm256_or_si256(_mm256_and_si256(classes, starting_bits), secret_start);
  const __m256i marked =
      _mm256_or_si256(_mm256_and_si256(after_other, candidate),
                      _mm256_and_si256(classes, _mm256_set1_epi8(static_cast<char>(kAtSignBit))));
  return ~static_cast<std::uint32_t>(
      _mm256_movemask_epi8(_mm256_cmpeq_epi8(marked, _mm256_setzero_si256())));
}

// The test of candidateAt for the 64 positions of each of `count` consecutive blocks from
// `bytes`, as candidatesByMask computes it, into marks[0] to marks[count - 1]. It reads the byte
// before the first block and the 5 after the last, which must exist. One call marks many blocks
// so that the vector constants are set up once, not per block.
__attribute__((target("avx2"))) void candidatesByMaskAvx2(const unsigned char* bytes,
                                                          std::size_t count, std::uint64_t* marks) {
  const CandidateTables tables{tablesOf32(kPositionTables), tablesOf32(kWordTables),
                               tablesOf32(kSecretFirstTables), tablesOf32(kSecretSecondTables)};
  for (std::size_t k = 0; k < count; ++k, bytes += kCandidateBlockBytes) {
    marks[k] = std::uint64_t{candidatesOf32(bytes, tables)} |
               (std::uint64_t{candidatesOf32(bytes + 32, tables)} << 32);
  }
}

#endif

// Whether the block at `begin` lies away from both ends of the text, so that it has every
// neighbour that the masks read.
bool isInnerBlock(std::string_view text, std::size_t begin) {
  return begin >= 1 && begin + kCandidateBlockBytes + 16 <= text.size();
}

#if defined(POINTSMAN_HAS_AVX2_PATHS)
// The AVX2 reader for a block that is not inner. It runs on a copy of the block padded with zero
// bytes, which it reads only at the positions that lack neighbours, and marks those positions as
// candidatesByByte does: the first byte of the text and its last kLookahead bytes.
__attribute__((target("avx2"))) std::uint64_t candidatesOfOuterBlockAvx2(std::string_view text,
                                                                         std::size_t begin) {
  // The byte before the block, the block and 16 bytes after it, more than the 5 the reader loads.
  std::array<unsigned char, 1 + kCandidateBlockBytes + 16> padded{};
  if (begin > 0) padded[0] = static_cast<unsigned char>(text[begin - 1]);
  std::memcpy(padded.data() + 1, text.data() + begin,
              std::min(text.size() - begin, kCandidateBlockBytes + 16));
  std::uint64_t marks = 0;
  candidatesByMaskAvx2(padded.data() + 1, 1, &marks);

  const std::size_t end = std::min(text.size(), begin + kCandidateBlockBytes);
  const std::size_t inner_begin = std::max<std::size_t>(begin, 1);
  const std::size_t inner_end = std::max(
      inner_begin, std::min(end, text.size() > kLookahead ? text.size() - kLookahead : 0));
  const std::uint64_t inner =
      masks::firstBytes(inner_end - begin) & ~masks::firstBytes(inner_begin - begin);
  return ((marks & inner) | ~inner) & masks::firstBytes(end - begin);
}
#endif

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
#if defined(POINTSMAN_HAS_AVX2_PATHS)
  if (reader == CandidateReader::Avx2 && candidateReaderSupported(reader) && !isInnerBlock(text, begin)) {
    return candidatesOfOuterBlockAvx2(text, begin);
  }
#endif
  if (isInnerBlock(text, begin) && candidateReaderSupported(reader)) {
#if defined(POINTSMAN_HAS_AVX2_PATHS)
    if (reader == CandidateReader::Avx2) {
      std::uint64_t marks = 0;
      candidatesByMaskAvx2(bytes + begin, 1, &marks);
      return marks;
    }
#endif
#if defined(__SSE2__)
    if (reader == CandidateReader::Sse2) return candidatesByMask(bytes + begin);
#endif
  }
  return candidatesByByte(bytes, text.size(), begin, std::min(text.size(), begin + kCandidateBlockBytes));
}

std::uint64_t markPiiCandidates(std::string_view text, std::size_t begin) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
#if defined(POINTSMAN_HAS_AVX2_PATHS)
  if (masks::kCpuHasAvx2 && !isInnerBlock(text, begin)) return candidatesOfOuterBlockAvx2(text, begin);
#endif
  if (isInnerBlock(text, begin)) {
#if defined(POINTSMAN_HAS_AVX2_PATHS)
    if (masks::kCpuHasAvx2) {
      std::uint64_t marks = 0;
      candidatesByMaskAvx2(bytes + begin, 1, &marks);
      return marks;
    }
#endif
#if defined(__SSE2__)
    return candidatesByMask(bytes + begin);
#endif
  }
  return candidatesByByte(bytes, text.size(), begin, std::min(text.size(), begin + kCandidateBlockBytes));
}

std::size_t markPiiCandidateBlocks(std::string_view text, std::size_t begin,
                                   std::span<std::uint64_t> marks) {
  if (begin >= text.size()) return 0;
  const std::size_t count = std::min(
      marks.size(), (text.size() - begin + kCandidateBlockBytes - 1) / kCandidateBlockBytes);
  std::size_t k = 0;
#if defined(POINTSMAN_HAS_AVX2_PATHS)
  if (masks::kCpuHasAvx2) {
    // The inner blocks are consecutive. They are all blocks but the first of the text and its last
    // one or two.
    const std::size_t first_inner = begin == 0 ? 1 : 0;
    for (; k < first_inner && k < count; ++k)
      marks[k] = markPiiCandidates(text, begin + k * kCandidateBlockBytes);
    std::size_t inner_end = first_inner;
    while (inner_end < count && isInnerBlock(text, begin + inner_end * kCandidateBlockBytes))
      ++inner_end;
    if (inner_end > k) {
      candidatesByMaskAvx2(
          reinterpret_cast<const unsigned char*>(text.data()) + begin + k * kCandidateBlockBytes,
          inner_end - k, &marks[k]);
      k = inner_end;
    }
  }
#endif
  for (; k < count; ++k) marks[k] = markPiiCandidates(text, begin + k * kCandidateBlockBytes);
  return count;
}

}  // namespace pointsman::analyze::scan
