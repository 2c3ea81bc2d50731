#pragma once

// HTTP tokens (header names, transfer codings, connection options) compare without case, as
// RFC 9110 sets out. Included only by the .cpp files of src/http.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace pointsman::http {
namespace detail {

/// Eight bytes with A-Z turned into a-z and every other byte left as it is.
inline std::uint64_t lowerAsciiWord(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  // Bit 7 of a byte of `above_z` is set when the byte's low seven bits exceed 'Z', and bit 7 of
  // `from_a` when they reach 'A'. The last mask leaves out bytes from 0x80 up.
  const std::uint64_t low_bits = word & (0x7f * kOnes);
  const std::uint64_t above_z = low_bits + (0x7f - 'Z') * kOnes;
  const std::uint64_t from_a = low_bits + (0x80 - 'A') * kOnes;
  const std::uint64_t upper = (from_a ^ above_z) & ~word & (0x80 * kOnes);
  return word | (upper >> 2);
}

/// Loads the eight bytes of `text` that start at `at`.
inline std::uint64_t loadWord(std::string_view text, std::size_t at) {
  std::uint64_t word = 0;
  std::memcpy(&word, text.data() + at, sizeof word);
  return word;
}

inline char lowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

}  // namespace detail

/// Returns whether two tokens are equal without case. Eight bytes are compared per step, because
/// Beast's byte-by-byte compare of two 14-byte names (Content-Length) took about 200 instructions
/// in a callgrind profile.
inline bool sameToken(std::string_view a, std::string_view b) {
  const std::size_t size = a.size();
  if (size != b.size()) return false;
  if (size < 8) {
    for (std::size_t i = 0; i < size; ++i) {
      if (detail::lowerAscii(a[i]) != detail::lowerAscii(b[i])) return false;
    }
    return true;
  }
  // Whole words, the last one overlapping the one before when the size is not a multiple of 8.
  for (std::size_t at = 0;; at += 8) {
    const std::size_t word_at = std::min(at, size - 8);
    if (detail::lowerAsciiWord(detail::loadWord(a, word_at)) !=
        detail::lowerAsciiWord(detail::loadWord(b, word_at))) {
      return false;
    }
    if (word_at == size - 8) return true;
  }
}

}  // namespace pointsman::http
