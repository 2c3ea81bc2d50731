#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

// Bit masks of byte classes over blocks of 64 bytes: bit i of a mask stands for byte i of the
// block. A scanner that combines them with shifts, `&`, `|` and popcount handles 64 bytes in a
// few dozen instructions and without a branch per byte.
namespace pointsman::analyze::masks {

inline constexpr std::size_t kBlockBytes = 64;

/// The classes of the bytes of one block. Bits past the block's size are 0 in every mask.
struct ByteClassMasks {
  /// ASCII letters.
  std::uint64_t letter = 0;
  std::uint64_t digit = 0;
  /// Bytes of 0x80 or more: the lead and continuation bytes of UTF-8 sequences.
  std::uint64_t non_ascii = 0;
  std::uint64_t space = 0;
  /// `\n`, `\r` and `\t`.
  std::uint64_t line_break = 0;
  /// The bytes that exist in the block: all ones for a full block.
  std::uint64_t valid = 0;
};

/// Returns the mask of the first `size` bytes, for `size` <= 64.
inline std::uint64_t firstBytes(std::size_t size) {
  return size >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << size) - 1;
}

/// Classifies `size` <= 64 bytes one at a time: the last block of a text, and every block where
/// SSE2 is missing.
inline ByteClassMasks classifyBytes(const unsigned char* bytes, std::size_t size) {
  ByteClassMasks masks;
  for (std::size_t i = 0; i < size; ++i) {
    const unsigned char c = bytes[i];
    const std::uint64_t bit = std::uint64_t{1} << i;
    if (static_cast<unsigned char>((c | 0x20) - 'a') < 26) masks.letter |= bit;
    if (c >= '0' && c <= '9') masks.digit |= bit;
    if (c >= 0x80) masks.non_ascii |= bit;
    if (c == ' ') masks.space |= bit;
    if (c == '\n' || c == '\r' || c == '\t') masks.line_break |= bit;
  }
  masks.valid = firstBytes(size);
  return masks;
}

#if defined(__SSE2__)
/// Returns 0xFF in each byte of `v` that lies in [low, high], for an ASCII range. Adding
/// 128 - low moves the range to the bottom of the signed bytes, so that one signed compare
/// tests it.
inline __m128i inRange16(__m128i v, char low, char high) {
  const auto shifted = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(128 - low)));
  return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(high - low - 127)));
}

#if defined(__x86_64__) && defined(__GNUC__)
/// Set where the analyzers have code compiled for AVX2 besides the SSE2 code.
#define POINTSMAN_HAS_AVX2_PATHS 1

/// True when the CPU has AVX2, POPCNT, BMI1 and BMI2, read once at start-up. The functions
/// compiled for AVX2 run only when it is true. It reads false until it is initialised, so the
/// SSE2 code runs then.
inline const bool kCpuHasAvx2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("popcnt") != 0 &&
         __builtin_cpu_supports("bmi") != 0 && __builtin_cpu_supports("bmi2") != 0;
}();

/// inRange16 for 32 bytes, for the functions compiled for AVX2 that run when kCpuHasAvx2 is true.
__attribute__((target("avx2"), always_inline)) inline __m256i inRange32(__m256i v, char low, char high) {
  const __m256i shifted = _mm256_add_epi8(v, _mm256_set1_epi8(static_cast<char>(128 - low)));
  return _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(high - low - 127)), shifted);
}
#endif

namespace detail {

inline std::uint64_t bitsOf(__m128i bytes_true, int part) {
  return std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(bytes_true))} << (16 * part);
}

}  // namespace detail

/// Classifies a full block of 64 bytes, 16 at a time. The sign bit of a byte marks non-ASCII.
inline ByteClassMasks classifyBlock(const unsigned char* bytes) {
  ByteClassMasks masks;
  for (int part = 0; part < 4; ++part) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * part));
    const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
    const __m128i letter = inRange16(folded, 'a', 'z');
    const __m128i digit = inRange16(v, '0', '9');
    const __m128i line_break = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
        _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
    masks.letter |= detail::bitsOf(letter, part);
    masks.digit |= detail::bitsOf(digit, part);
    masks.non_ascii |= detail::bitsOf(v, part);
    masks.space |= detail::bitsOf(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), part);
    masks.line_break |= detail::bitsOf(line_break, part);
  }
  masks.valid = ~std::uint64_t{0};
  return masks;
}
#else
inline ByteClassMasks classifyBlock(const unsigned char* bytes) { return classifyBytes(bytes, kBlockBytes); }
#endif

/// Returns the number of set bits. Without the POPCNT instruction (the x86-64 baseline lacks it),
/// std::popcount calls a library function, so this SWAR form stays inline.
inline std::size_t countBits(std::uint64_t mask) {
#if defined(__POPCNT__)
  return static_cast<std::size_t>(std::popcount(mask));
#else
  mask -= (mask >> 1) & 0x5555555555555555ull;
  mask = (mask & 0x3333333333333333ull) + ((mask >> 2) & 0x3333333333333333ull);
  mask = (mask + (mask >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<std::size_t>((mask * 0x0101010101010101ull) >> 56);
#endif
}

/// Returns the bytes of `mask` that are at or above `threshold` (a UTF-8 lead byte class), for
/// a block that has non-ASCII bytes. Rare enough to go one byte at a time.
inline std::uint64_t bytesAtLeast(const unsigned char* bytes, std::uint64_t mask, unsigned char threshold) {
  std::uint64_t found = 0;
  for (std::uint64_t rest = mask; rest != 0; rest &= rest - 1) {
    const int i = std::countr_zero(rest);
    if (bytes[i] >= threshold) found |= std::uint64_t{1} << i;
  }
  return found;
}

/// Returns the length of the run of set bits of `mask` that starts at bit `at`.
inline int runLength(std::uint64_t mask, int at) {
  const std::uint64_t rest = ~mask >> at;
  return rest == 0 ? 64 - at : std::countr_zero(rest);
}

/// Returns the length of the run of set bits of `mask` that ends at bit `last`, 0 when it is clear.
inline int runLengthEndingAt(std::uint64_t mask, int last) {
  return std::countl_zero(~(mask << (63 - last)));
}

}  // namespace pointsman::analyze::masks
