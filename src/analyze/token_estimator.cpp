#include <pointsman/analyze/token_estimator.hpp>

#include "analyze/byte_masks.hpp"
#include "analyze/token_estimate_paths.hpp"

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

namespace baseline {
#define POINTSMAN_TOKEN_BLOCKS_AVX2 0
#include "analyze/token_estimate_blocks.inc"
#undef POINTSMAN_TOKEN_BLOCKS_AVX2
}  // namespace baseline

#if defined(POINTSMAN_HAS_AVX2_PATHS)
// The same code compiled for AVX2, POPCNT and BMI, which runs only when masks::kCpuHasAvx2 is
// true. POPCNT and the wider byte classes take about a third of the estimate's instructions away.
#pragma GCC push_options
#pragma GCC target("avx2,popcnt,bmi,bmi2")
namespace avx2 {
#define POINTSMAN_TOKEN_BLOCKS_AVX2 1
#include "analyze/token_estimate_blocks.inc"
#undef POINTSMAN_TOKEN_BLOCKS_AVX2
}  // namespace avx2
#pragma GCC pop_options
#endif

// Returns the quarter tokens of `size` bytes of text, priced by the code of `path`.
std::size_t textQuarters(TokenEstimatePath path, const unsigned char* bytes, std::size_t size) {
#if defined(POINTSMAN_HAS_AVX2_PATHS)
  if (path == TokenEstimatePath::Avx2 && masks::kCpuHasAvx2) return avx2::textQuarters(bytes, size);
#endif
  return baseline::textQuarters(bytes, size);
}

}  // namespace

bool tokenEstimatePathSupported(TokenEstimatePath path) {
#if defined(POINTSMAN_HAS_AVX2_PATHS)
  return path == TokenEstimatePath::Baseline || masks::kCpuHasAvx2;
#else
  return path == TokenEstimatePath::Baseline;
#endif
}

std::int64_t estimateTokensWith(TokenEstimatePath path, std::string_view text) {
  const std::size_t quarters = textQuarters(path, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return static_cast<std::int64_t>((quarters + 3) / 4);
}

std::int64_t estimateTokens(std::string_view text) { return estimateTokensWith(TokenEstimatePath::Avx2, text); }

std::int64_t estimatePromptTokens(const ChatRequest& request) {
  std::int64_t tokens = kTokensPerReply;
  for (const auto& message : request.messages) tokens += kTokensPerMessage + estimateTokens(message.text);
  if (!request.tool_definitions.empty()) tokens += estimateTokens(request.tool_definitions);
  return tokens;
}

}  // namespace pointsman::analyze
