#pragma once

#include <cstdint>
#include <string_view>

// The two compilations of the token estimate, for the tests that compare them.
namespace pointsman::analyze {

/// estimateTokens takes Avx2 when masks::kCpuHasAvx2 is true, else Baseline (SSE2 where the build
/// has it, else byte by byte). Both return the same estimate.
enum class TokenEstimatePath { Baseline, Avx2 };

/// Whether this build and CPU can run `path`.
bool tokenEstimatePathSupported(TokenEstimatePath path);

/// estimateTokens with `path`, or with Baseline when `path` is not supported.
std::int64_t estimateTokensWith(TokenEstimatePath path, std::string_view text);

}  // namespace pointsman::analyze
