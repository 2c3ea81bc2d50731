// The `when:` block of a routing rule, compiled into Condition values at load, so that a request
// compares enums, bit masks and numbers instead of looking names up.

#include "config/route_conditions.hpp"

#include "config/scalar_parsing.hpp"
#include "config/yaml_reader.hpp"

#include <pointsman/analyze/features.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace pointsman::config {

namespace {

// The spellings follow analyze::TaskType and analyze::PiiKind, in enum order, so a name's index
// is its bit in Condition::mask.
constexpr std::array<std::string_view, 10> kTaskNames = {
    "chat",       "code",        "math",           "reasoning",        "summarization",
    "extraction", "classification", "translation", "creative_writing", "open_question"};
constexpr std::array<std::string_view, 8> kPiiNames = {
    "email", "phone", "payment_card", "iban", "us_ssn", "ip_address", "secret", "person_name"};
static_assert(kTaskNames.size() == analyze::kTaskTypeCount);
static_assert(kPiiNames.size() == analyze::kPiiKindCount);

enum class SubjectKind { Task, Pii, Number, Flag, Text, NamedText, NamedValue };

struct SubjectSpec {
  std::string_view name;
  ConditionSubject subject;
  SubjectKind kind;
};

constexpr std::array<SubjectSpec, 22> kSubjects = {{
    {"task", ConditionSubject::Task, SubjectKind::Task},
    {"task_confidence", ConditionSubject::TaskConfidence, SubjectKind::Number},
    {"prompt_tokens", ConditionSubject::PromptTokens, SubjectKind::Number},
    {"turns", ConditionSubject::Turns, SubjectKind::Number},
    {"system_prompt_tokens", ConditionSubject::SystemPromptTokens, SubjectKind::Number},
    {"max_tokens", ConditionSubject::MaxTokens, SubjectKind::Number},
    {"tools", ConditionSubject::Tools, SubjectKind::Flag},
    {"images", ConditionSubject::Images, SubjectKind::Flag},
    {"json_mode", ConditionSubject::JsonMode, SubjectKind::Flag},
    {"stream", ConditionSubject::Stream, SubjectKind::Flag},
    {"choices", ConditionSubject::Choices, SubjectKind::Number},
    {"complexity", ConditionSubject::Complexity, SubjectKind::Number},
    {"pii", ConditionSubject::Pii, SubjectKind::Pii},
    {"semantic_route", ConditionSubject::SemanticRoute, SubjectKind::Text},
    {"semantic_similarity", ConditionSubject::SemanticSimilarity, SubjectKind::Number},
    {"tier", ConditionSubject::Tier, SubjectKind::Text},
    {"key", ConditionSubject::KeyName, SubjectKind::Text},
    {"team", ConditionSubject::Team, SubjectKind::Text},
    {"label", ConditionSubject::KeyLabel, SubjectKind::NamedText},
    {"budget_remaining", ConditionSubject::BudgetRemaining, SubjectKind::Number},
    {"header", ConditionSubject::Header, SubjectKind::NamedText},
    {"request", ConditionSubject::RequestField, SubjectKind::NamedValue},
}};

constexpr std::array<std::string_view, 4> kRangeKeys = {"gt", "gte", "lt", "lte"};

std::string subjectNames() {
  std::vector<std::string> names;
  for (const SubjectSpec& spec : kSubjects) {
    names.emplace_back(spec.name);
  }
  return joinNames(names);
}

template <std::size_t N>
std::vector<std::string> toStrings(const std::array<std::string_view, N>& names) {
  return {names.begin(), names.end()};
}

bool isAny(const YAML::Node& node) { return node.IsScalar() && node.Scalar() == "any"; }

// Reads a scalar or a list of scalars as strings.
std::optional<std::vector<std::string>> readOneOrMany(const YAML::Node& node, const std::string& path,
                                                      LoadContext& context) {
  if (node.IsSequence()) {
    std::optional<std::vector<std::string>> items = readStringList(node, path, context);
    if (items && items->empty()) {
      context.error(path, "must list at least one value");
      return std::nullopt;
    }
    return items;
  }
  if (!node.IsScalar()) {
    context.error(path, "expected a value, a list of values or a map of gt/gte/lt/lte, got " +
                            describeNode(node));
    return std::nullopt;
  }
  std::optional<std::string> value = readString(node, path, context);
  if (!value) {
    return std::nullopt;
  }
  return std::vector<std::string>{std::move(*value)};
}

template <std::size_t N>
bool readNamedMask(const YAML::Node& node, const std::string& path, LoadContext& context,
                   const std::array<std::string_view, N>& names, std::string_view kind,
                   Condition& condition) {
  const std::optional<std::vector<std::string>> values = readOneOrMany(node, path, context);
  if (!values) {
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < values->size(); ++i) {
    const std::string& value = (*values)[i];
    const auto found = std::find(names.begin(), names.end(), value);
    if (found == names.end()) {
      const std::string at = node.IsSequence() ? indexPath(path, i) : path;
      context.error(at, "unknown " + std::string(kind) + " \"" + value + "\"; known: " +
                            joinNames(toStrings(names)));
      ok = false;
      continue;
    }
    condition.mask |= 1u << static_cast<unsigned>(found - names.begin());
  }
  condition.test = ConditionTest::OneOf;
  return ok;
}

std::optional<double> readNumberNode(const YAML::Node& node, const std::string& path,
                                     LoadContext& context) {
  if (!node.IsScalar()) {
    context.error(path, "expected a number, got " + describeNode(node));
    return std::nullopt;
  }
  const std::optional<std::string> text = readString(node, path, context);
  if (!text) {
    return std::nullopt;
  }
  const std::optional<double> value = parseNumber(*text);
  if (!value) {
    context.error(path, "expected a number, got \"" + *text + "\"");
  }
  return value;
}

bool readRange(const YAML::Node& node, const std::string& path, LoadContext& context,
               Condition& condition) {
  const MapReader reader(node, path, kRangeKeys, context);
  if (!reader.isMap() || node.size() == 0) {
    context.error(path, "expected a map with gt, gte, lt or lte, e.g. { gt: 4000 }");
    return false;
  }
  bool ok = true;
  for (const std::string_view key : kRangeKeys) {
    if (!reader.has(key)) {
      continue;
    }
    const std::optional<double> value = readNumberNode(reader.child(key), reader.pathOf(key), context);
    if (!value) {
      ok = false;
      continue;
    }
    const bool lowerBound = key == "gt" || key == "gte";
    (lowerBound ? condition.lower : condition.upper) = *value;
    (lowerBound ? condition.lower_exclusive : condition.upper_exclusive) = key.size() == 2;
  }
  if (reader.has("gt") && reader.has("gte")) {
    context.error(path, "gt and gte both set a lower bound; keep one");
    ok = false;
  }
  if (reader.has("lt") && reader.has("lte")) {
    context.error(path, "lt and lte both set an upper bound; keep one");
    ok = false;
  }
  condition.test = ConditionTest::Range;
  return ok;
}

bool readNumberTest(const YAML::Node& node, const std::string& path, LoadContext& context,
                    Condition& condition) {
  if (node.IsMap()) {
    return readRange(node, path, context, condition);
  }
  const std::optional<double> value = readNumberNode(node, path, context);
  if (!value) {
    return false;
  }
  condition.test = ConditionTest::Range;
  condition.lower = *value;
  condition.upper = *value;
  return true;
}

bool readFlag(const YAML::Node& node, const std::string& path, LoadContext& context,
              Condition& condition) {
  const std::optional<bool> value = node.IsScalar() ? parseBool(node.Scalar()) : std::nullopt;
  if (!value) {
    context.error(path, "expected true or false, got " + describeNode(node));
    return false;
  }
  condition.test = ConditionTest::Flag;
  condition.flag = *value;
  return true;
}

bool readTextValues(const YAML::Node& node, const std::string& path, LoadContext& context,
                    Condition& condition) {
  std::optional<std::vector<std::string>> values = readOneOrMany(node, path, context);
  if (!values) {
    return false;
  }
  condition.test = ConditionTest::OneOf;
  condition.values = std::move(*values);
  return true;
}

// One condition whose value is `node`. `any` is accepted for every subject but the flags.
bool readConditionValue(SubjectKind kind, const YAML::Node& node, const std::string& path,
                        LoadContext& context, Condition& condition) {
  if (isEmptyValue(node)) {
    context.error(path, "missing value; give a value, a list, a map of gt/gte/lt/lte or any");
    return false;
  }
  if (isAny(node) && kind != SubjectKind::Flag) {
    condition.test = ConditionTest::Present;
    return true;
  }
  switch (kind) {
    case SubjectKind::Task:
      return readNamedMask(node, path, context, kTaskNames, "task", condition);
    case SubjectKind::Pii:
      return readNamedMask(node, path, context, kPiiNames, "PII kind", condition);
    case SubjectKind::Number:
      return readNumberTest(node, path, context, condition);
    case SubjectKind::Flag:
      return readFlag(node, path, context, condition);
    case SubjectKind::NamedValue:
      if (node.IsMap()) {
        return readRange(node, path, context, condition);
      }
      return readTextValues(node, path, context, condition);
    case SubjectKind::Text:
    case SubjectKind::NamedText:
      return readTextValues(node, path, context, condition);
  }
  return false;
}

std::string lowerCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// `header: { x-team: research }`, `label: { env: prod }` and `request: { user: bob }` hold one
// condition per entry.
void readNamedConditions(const SubjectSpec& spec, const YAML::Node& node, const std::string& path,
                         LoadContext& context, std::vector<Condition>& out) {
  if (!node.IsMap() || node.size() == 0) {
    context.error(path, "expected a map of names to values, e.g. " + std::string(spec.name) +
                            ": { x-team: research }");
    return;
  }
  forEachEntry(node, path, context,
               [&](const std::string& name, const YAML::Node& value, const std::string& entryPath) {
                 Condition condition;
                 condition.subject = spec.subject;
                 condition.path = entryPath;
                 // HTTP header names are case-insensitive; the evaluator gets them lower case.
                 condition.name = spec.subject == ConditionSubject::Header ? lowerCase(name) : name;
                 if (readConditionValue(spec.kind, value, entryPath, context, condition)) {
                   out.push_back(std::move(condition));
                 }
               });
}

}  // namespace

std::vector<Condition> parseWhen(const YAML::Node& node, const std::string& path, LoadContext& context) {
  std::vector<Condition> conditions;
  if (isEmptyValue(node)) {
    return conditions;
  }
  if (!node.IsMap()) {
    context.error(path, "expected a map of conditions, got " + describeNode(node));
    return conditions;
  }

  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    const std::string entryPath = childPath(path, key);
    const auto spec = std::find_if(kSubjects.begin(), kSubjects.end(),
                                   [&](const SubjectSpec& candidate) { return candidate.name == key; });
    if (spec == kSubjects.end()) {
      context.error(entryPath, "unknown condition \"" + key + "\"; known: " + subjectNames());
      continue;
    }
    if (!seen.insert(key).second) {
      context.error(entryPath, "duplicate condition; each may appear once per rule");
      continue;
    }
    if (spec->kind == SubjectKind::NamedText || spec->kind == SubjectKind::NamedValue) {
      readNamedConditions(*spec, entry.second, entryPath, context, conditions);
      continue;
    }
    Condition condition;
    condition.subject = spec->subject;
    condition.path = entryPath;
    if (readConditionValue(spec->kind, entry.second, entryPath, context, condition)) {
      conditions.push_back(std::move(condition));
    }
  }
  return conditions;
}

std::string_view conditionSubjectName(ConditionSubject subject) {
  for (const SubjectSpec& spec : kSubjects) {
    if (spec.subject == subject) {
      return spec.name;
    }
  }
  return "unknown";
}

std::string_view taskNameAt(std::size_t index) {
  return index < kTaskNames.size() ? kTaskNames[index] : std::string_view("unknown");
}

std::string_view piiNameAt(std::size_t index) {
  return index < kPiiNames.size() ? kPiiNames[index] : std::string_view("unknown");
}

}  // namespace pointsman::config
