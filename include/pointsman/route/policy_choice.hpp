#pragma once

#include <pointsman/route/decision_trace.hpp>

#include <string>
#include <vector>

namespace pointsman::route {

/// What one policy chose for one request. A policy that does not apply (a tier it does not list,
/// a semantic match below its threshold) leaves `matched` false, and evaluation moves on.
struct PolicyChoice {
  bool matched = false;
  /// Deployment names in the order to try them, before disabled providers and constraints are
  /// taken out.
  std::vector<std::string> deployments;
  /// The reason in a few words, e.g. "complexity=0.71>=0.60: strong" or "tier=free".
  std::string detail;
  /// Deployments the policy itself left out, e.g. a context window too small for the request.
  std::vector<SkippedDeployment> skipped;
};

}  // namespace pointsman::route
