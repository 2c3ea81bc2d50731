#pragma once

#include <pointsman/config/route_policy.hpp>
#include <pointsman/route/decision_trace.hpp>
#include <pointsman/route/route_input.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pointsman::route {

/// Evaluates compiled `when:` conditions against one request. It parses the body only when a
/// `request:` condition needs a field, and then only once.
class ConditionEvaluator {
 public:
  ConditionEvaluator(const RouteInput& input, DecisionTrace& trace) : input_(input), trace_(trace) {}

  /// Returns true when every condition holds. Otherwise `failure` names the first that does not,
  /// e.g. "task=chat is not one of code,math".
  bool allHold(const std::vector<config::Condition>& conditions, std::string& failure);

 private:
  /// What the request has for a condition's subject.
  struct Observed {
    bool present = false;
    double number = 0;
    std::string text;
    std::uint32_t mask = 0;
    bool flag = false;
  };

  bool holds(const config::Condition& condition, std::string& failure);
  static std::string shownValue(const config::Condition& condition, const Observed& observed, bool matched);
  Observed observe(const config::Condition& condition);
  Observed observeFeature(const config::Condition& condition) const;
  Observed observePrincipal(const config::Condition& condition) const;
  Observed observeRequestField(const std::string& name);

  const RouteInput& input_;
  DecisionTrace& trace_;
  std::optional<nlohmann::json> body_;
};

/// The trace name of a condition's input, e.g. "prompt_tokens" or "header.x-team".
std::string conditionInputName(const config::Condition& condition);

/// Appends the condition's test in words, e.g. "> 4000", "one of code,math" or "any".
void appendTestDescription(std::string& out, const config::Condition& condition);

}  // namespace pointsman::route
