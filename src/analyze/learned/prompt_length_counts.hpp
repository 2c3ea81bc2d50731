#pragma once

#include <cstddef>
#include <string_view>

// The counts behind the learned router's length features, with a choice of reader so that the
// tests can compare the readers.
namespace pointsman::analyze::length {

struct PromptLengthCounts {
  /// Runs of ASCII letters, digits and bytes of 0x80 or more.
  std::size_t words = 0;
  /// The number of line feeds plus one.
  std::size_t lines = 1;
  /// Bytes that are neither word bytes nor space, \t, \n, \v, \f or \r.
  std::size_t symbols = 0;
};

/// The ways of counting. promptLengthFeatures takes AVX2 when masks::kCpuHasAvx2 is true, else
/// Baseline (SSE2 where the build has it, else byte by byte). Every reader returns the same counts.
enum class LengthReader { Baseline, Avx2 };

/// Whether this build and CPU can run `reader`.
bool lengthReaderSupported(LengthReader reader);

/// Counts the words, lines and symbols of `prompt` with `reader`, or with Baseline when `reader`
/// is not supported.
PromptLengthCounts countPromptLengths(std::string_view prompt, LengthReader reader);

}  // namespace pointsman::analyze::length
