#pragma once

#include <pointsman/config/route_policy.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace pointsman::analyze {
class AnswerScorer;
}

namespace pointsman::route {

/// What a cascade step's answer is judged with, beside the route's `accept:` checks.
struct AcceptanceContext {
  /// The request asked for JSON (`response_format` json_object or json_schema).
  bool json_mode = false;
  /// The last user message, for the answer scorer.
  std::string prompt;
  /// The learned answer scorer; null when none is loaded, and then `min_score` cannot pass.
  const analyze::AnswerScorer* scorer = nullptr;
};

/// Checks one non-streamed chat completion body against the cascade's `accept:` block. Returns
/// nothing when the answer is accepted, or the first failed check as an operator-readable reason
/// (e.g. "finish_reason=length"), which goes into the decision trace. `model` is the upstream
/// model id that wrote the answer, which the answer scorer reads.
std::optional<std::string> rejectReason(const config::CascadeChecksConfig& checks, const AcceptanceContext& context,
                                        std::string_view completion_body, std::string_view model);

/// True when `text` reads as a refusal ("I can't help with that", "As an AI, I cannot ...").
bool looksLikeRefusal(std::string_view text);

}  // namespace pointsman::route
