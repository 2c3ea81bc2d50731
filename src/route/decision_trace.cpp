#include <pointsman/route/decision_trace.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace pointsman::route {

void DecisionTrace::noteInput(std::string_view name, std::string value) {
  const bool known = std::any_of(inputs.begin(), inputs.end(), [&](const auto& input) { return input.first == name; });
  if (!known) inputs.emplace_back(std::string(name), std::move(value));
}

nlohmann::json DecisionTrace::toJson() const {
  nlohmann::json trace = nlohmann::json::object();
  nlohmann::json read = nlohmann::json::object();
  for (const auto& [name, value] : inputs) read[name] = value;
  trace["inputs"] = std::move(read);

  nlohmann::json evaluated = nlohmann::json::array();
  for (const auto& rule : rules) {
    evaluated.push_back({{"rule", rule.rule}, {"matched", rule.matched}, {"detail", rule.detail}});
  }
  trace["rules"] = std::move(evaluated);
  trace["decided_by"] = decided_by;
  trace["policy"] = policy;
  trace["detail"] = detail;
  trace["candidates"] = candidates;

  nlohmann::json left_out = nlohmann::json::array();
  for (const auto& skip : skipped) left_out.push_back({{"deployment", skip.deployment}, {"reason", skip.reason}});
  trace["skipped"] = std::move(left_out);
  trace["constraints"] = constraints;
  return trace;
}

}  // namespace pointsman::route
