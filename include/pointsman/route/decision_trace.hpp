#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pointsman::route {

/// One rule as the policy evaluated it.
struct RuleEvaluation {
  /// "routes.auto.rules[2]" or "routes.auto.otherwise".
  std::string rule;
  bool matched = false;
  /// Why it matched or not, e.g. "task=chat, not one of code, math".
  std::string detail;
};

/// A deployment the plan left out, and why.
struct SkippedDeployment {
  std::string deployment;
  std::string reason;
};

/// The full account of one routing decision: what was read, which rule or score decided, and
/// which deployments were kept or left out. The request log and `/admin/explain` carry it.
struct DecisionTrace {
  /// Features, principal fields and headers that conditions and policies read, as name and value.
  std::vector<std::pair<std::string, std::string>> inputs;
  std::vector<RuleEvaluation> rules;
  /// The rule or `otherwise` that decided; empty for a `use:` route or a direct deployment.
  std::string decided_by;
  std::string policy;
  /// The policy's reason, e.g. "complexity=0.71>=0.60: strong".
  std::string detail;
  /// The deployments kept, in the order the executor tries them.
  std::vector<std::string> candidates;
  std::vector<SkippedDeployment> skipped;
  /// Constraints in force, e.g. "on_premises_only".
  std::vector<std::string> constraints;

  /// Records an input once; a later call with the same name keeps the first value.
  void noteInput(std::string_view name, std::string value);

  [[nodiscard]] nlohmann::json toJson() const;
};

}  // namespace pointsman::route
