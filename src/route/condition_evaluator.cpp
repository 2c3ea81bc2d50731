#include "route/condition_evaluator.hpp"

#include "route/trace_number.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace pointsman::route {

using config::Condition;
using config::ConditionSubject;
using config::ConditionTest;

namespace {

// Appends the names of the set bits, separated by `separator`, or "none".
void appendMaskNames(std::string& out, std::uint32_t mask, std::string_view (*nameAt)(std::size_t),
                     std::string_view separator) {
  if (mask == 0) {
    out += "none";
    return;
  }
  for (std::uint32_t rest = mask; rest != 0; rest &= rest - 1) {
    if (rest != mask) out += separator;
    out += nameAt(static_cast<std::size_t>(std::countr_zero(rest)));
  }
}

std::string maskNames(std::uint32_t mask, std::string_view (*nameAt)(std::size_t)) {
  std::string names;
  appendMaskNames(names, mask, nameAt, ",");
  return names;
}

bool isMaskSubject(ConditionSubject subject) {
  return subject == ConditionSubject::Task || subject == ConditionSubject::Pii;
}

bool inRange(const Condition& condition, double value) {
  const bool aboveLower = condition.lower_exclusive ? value > condition.lower : value >= condition.lower;
  const bool belowUpper = condition.upper_exclusive ? value < condition.upper : value <= condition.upper;
  return aboveLower && belowUpper;
}

// A request field's text for equality: a string as it is, any other JSON value as JSON text.
std::string fieldText(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::string ConditionEvaluator::shownValue(const Condition& condition, const Observed& observed, bool matched) {
  if (!observed.present) return "absent";
  // Header values and request fields may hold credentials or prompt text, so the trace shows
  // them only when they equal a value from the config or are numbers.
  const bool fromClient =
      condition.subject == ConditionSubject::Header || condition.subject == ConditionSubject::RequestField;
  const bool configValue = matched && condition.test == ConditionTest::OneOf;
  const bool number = condition.test == ConditionTest::Range && !std::isnan(observed.number);
  if (fromClient && !configValue && !number) return "(not shown)";
  return observed.text;
}

std::string conditionInputName(const Condition& condition) {
  const std::string subject(config::conditionSubjectName(condition.subject));
  return condition.name.empty() ? subject : subject + "." + condition.name;
}

void appendTestDescription(std::string& out, const Condition& condition) {
  switch (condition.test) {
    case ConditionTest::Present:
      out += "any";
      return;
    case ConditionTest::Flag:
      out += condition.flag ? "true" : "false";
      return;
    case ConditionTest::Range: {
      if (condition.lower == condition.upper) {
        out += "= ";
        appendGeneral(out, condition.lower);
        return;
      }
      const bool hasLower = condition.lower > -std::numeric_limits<double>::infinity();
      if (hasLower) {
        out += condition.lower_exclusive ? "> " : ">= ";
        appendGeneral(out, condition.lower);
      }
      if (condition.upper < std::numeric_limits<double>::infinity()) {
        if (hasLower) out += " and ";
        out += condition.upper_exclusive ? "< " : "<= ";
        appendGeneral(out, condition.upper);
      }
      return;
    }
    case ConditionTest::OneOf:
      break;
  }
  out += "one of ";
  // Bit names are joined with a bare comma and the config's values with ", ".
  if (condition.subject == ConditionSubject::Task) return appendMaskNames(out, condition.mask, config::taskNameAt, ",");
  if (condition.subject == ConditionSubject::Pii) return appendMaskNames(out, condition.mask, config::piiNameAt, ",");
  // An empty value adds no separator, so ["", "a"] reads "one of a".
  const std::size_t listStart = out.size();
  for (const auto& value : condition.values) {
    if (out.size() > listStart) out += ", ";
    out += value;
  }
}

bool ConditionEvaluator::allHold(const std::vector<Condition>& conditions, std::string& failure) {
  for (const Condition& condition : conditions) {
    if (!holds(condition, failure)) return false;
  }
  return true;
}

bool ConditionEvaluator::holds(const Condition& condition, std::string& failure) {
  const Observed observed = observe(condition);
  bool result = false;
  switch (condition.test) {
    case ConditionTest::Present:
      result = observed.present;
      break;
    case ConditionTest::Flag:
      result = observed.flag == condition.flag;
      break;
    case ConditionTest::Range:
      result = observed.present && inRange(condition, observed.number);
      break;
    case ConditionTest::OneOf:
      if (isMaskSubject(condition.subject)) {
        result = (observed.mask & condition.mask) != 0;
      } else {
        result = observed.present &&
                 std::find(condition.values.begin(), condition.values.end(), observed.text) != condition.values.end();
      }
      break;
  }

  const std::string name = conditionInputName(condition);
  const std::string shown = shownValue(condition, observed, result);
  trace_.noteInput(name, shown);
  if (!result) {
    failure.assign(name);
    failure += '=';
    failure += shown;
    failure += " is not ";
    appendTestDescription(failure, condition);
  }
  return result;
}

ConditionEvaluator::Observed ConditionEvaluator::observe(const Condition& condition) {
  switch (condition.subject) {
    case ConditionSubject::Tier:
    case ConditionSubject::KeyName:
    case ConditionSubject::Team:
    case ConditionSubject::KeyLabel:
    case ConditionSubject::BudgetRemaining:
      return observePrincipal(condition);
    case ConditionSubject::Header: {
      Observed observed;
      const auto value = input_.headers ? input_.headers(condition.name) : std::nullopt;
      observed.present = value.has_value();
      if (value) observed.text = std::string(*value);
      return observed;
    }
    case ConditionSubject::RequestField:
      return observeRequestField(condition.name);
    default:
      return observeFeature(condition);
  }
}

ConditionEvaluator::Observed ConditionEvaluator::observeFeature(const Condition& condition) const {
  static const analyze::Features kNoFeatures;
  const analyze::Features& features = input_.features != nullptr ? *input_.features : kNoFeatures;
  Observed observed;
  observed.present = true;
  const auto number = [&observed](double value) {
    observed.number = value;
    observed.text = formatGeneral(value);
  };
  const auto optionalNumber = [&observed, &number](const auto& value) {
    observed.present = value.has_value();
    if (value) number(static_cast<double>(*value));
  };
  const auto flag = [&observed](bool value) {
    observed.flag = value;
    observed.text = value ? "true" : "false";
  };

  switch (condition.subject) {
    case ConditionSubject::Task:
      observed.mask = 1u << static_cast<unsigned>(features.task);
      observed.text = std::string(config::taskNameAt(static_cast<std::size_t>(features.task)));
      break;
    case ConditionSubject::TaskConfidence: number(features.task_confidence); break;
    case ConditionSubject::PromptTokens: number(static_cast<double>(features.estimated_prompt_tokens)); break;
    case ConditionSubject::Turns: number(features.turns); break;
    case ConditionSubject::SystemPromptTokens: number(static_cast<double>(features.system_prompt_tokens)); break;
    case ConditionSubject::MaxTokens: optionalNumber(features.max_tokens); break;
    case ConditionSubject::Choices: number(features.choices); break;
    case ConditionSubject::Complexity: optionalNumber(features.complexity); break;
    case ConditionSubject::Tools: flag(features.has_tools); break;
    case ConditionSubject::Images: flag(features.has_images); break;
    case ConditionSubject::JsonMode: flag(features.json_mode); break;
    case ConditionSubject::Stream: flag(features.stream); break;
    case ConditionSubject::Pii:
      observed.mask = static_cast<std::uint32_t>(features.pii.to_ulong());
      observed.present = features.pii.any();
      observed.text = maskNames(observed.mask, config::piiNameAt);
      break;
    case ConditionSubject::SemanticRoute:
      observed.present = features.semantic.has_value();
      if (features.semantic) observed.text = features.semantic->route;
      break;
    case ConditionSubject::SemanticSimilarity:
      observed.present = features.semantic.has_value();
      if (features.semantic) number(features.semantic->similarity);
      break;
    default:
      observed.present = false;
  }
  return observed;
}

ConditionEvaluator::Observed ConditionEvaluator::observePrincipal(const Condition& condition) const {
  Observed observed;
  const PrincipalView* principal = input_.principal;
  if (principal == nullptr) return observed;
  const auto text = [&observed](const std::string& value) {
    observed.present = !value.empty();
    observed.text = value;
  };

  switch (condition.subject) {
    case ConditionSubject::Tier: text(principal->tier); break;
    case ConditionSubject::KeyName: text(principal->key_name); break;
    case ConditionSubject::Team: text(principal->team); break;
    case ConditionSubject::KeyLabel:
      if (principal->labels != nullptr) {
        const auto found = principal->labels->find(condition.name);
        if (found != principal->labels->end()) text(found->second);
      }
      break;
    case ConditionSubject::BudgetRemaining:
      observed.present = principal->budget_remaining.has_value();
      if (observed.present) {
        observed.number = *principal->budget_remaining;
        observed.text = formatGeneral(observed.number);
      }
      break;
    default:
      break;
  }
  return observed;
}

ConditionEvaluator::Observed ConditionEvaluator::observeRequestField(const std::string& name) {
  // Parsed here and not by the api module, because only routes with `request:` conditions need
  // more than `model` and `stream`, and most routes have none.
  if (!body_) body_ = nlohmann::json::parse(input_.body, nullptr, /*allow_exceptions=*/false);
  Observed observed;
  if (!body_->is_object()) return observed;
  const auto found = body_->find(name);
  if (found == body_->end() || found->is_null()) return observed;
  observed.present = true;
  observed.text = fieldText(*found);
  observed.number = found->is_number() ? found->get<double>() : std::numeric_limits<double>::quiet_NaN();
  return observed;
}

}  // namespace pointsman::route
