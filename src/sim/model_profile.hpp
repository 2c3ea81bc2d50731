// Timing, length and fault settings of one simulated model.
#pragma once

#include <string>

namespace pointsman::sim {

struct ModelProfile {
  /// Delay before the first content token, in unscaled milliseconds.
  int ttftMs = 0;
  /// Token rate after the first token; 0 sends every token without delay.
  double tokensPerSecond = 0;
  /// Answer length when the request sets no `max_tokens` or `max_completion_tokens`.
  int answerTokens = 16;
  /// Fault list in the `x-sim-fault` syntax, applied to every request for this model.
  std::string fault;
};

}  // namespace pointsman::sim
