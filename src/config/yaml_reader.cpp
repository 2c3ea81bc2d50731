#include "config/yaml_reader.hpp"

#include "config/env_expansion.hpp"
#include "config/scalar_parsing.hpp"

#include <algorithm>
#include <limits>

namespace pointsman::config {

namespace {

std::string boundMessage(Bound bound, std::string_view text) {
  const char* limit = bound == Bound::Positive ? "must be > 0" : "must be >= 0";
  return std::string(limit) + ", got " + std::string(text);
}

std::vector<std::string> allowedKeyNames(std::span<const std::string_view> allowedKeys) {
  return {allowedKeys.begin(), allowedKeys.end()};
}

}  // namespace

bool isEmptyValue(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

std::string describeNode(const YAML::Node& node) {
  if (!node.IsDefined()) {
    return "an empty value";
  }
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "\"" + node.Scalar() + "\"";
    default:
      return "an empty value";
  }
}

std::optional<std::string> readString(const YAML::Node& node, const std::string& path,
                                      LoadContext& context, std::vector<std::string>* variables) {
  if (isEmptyValue(node)) {
    return std::string();
  }
  if (!node.IsScalar()) {
    context.error(path, "expected a string, got " + describeNode(node));
    return std::nullopt;
  }

  Expansion expansion = expandVariables(node.Scalar(), context.environment);
  if (!expansion.ok()) {
    context.error(path, expansion.error);
    return std::nullopt;
  }
  if (variables != nullptr) {
    *variables = std::move(expansion.variables);
  }
  return std::move(expansion.text);
}

std::optional<std::vector<std::string>> readStringList(const YAML::Node& node,
                                                       const std::string& path,
                                                       LoadContext& context) {
  if (isEmptyValue(node)) {
    return std::vector<std::string>();
  }
  if (!node.IsSequence()) {
    context.error(path, "expected a list, got " + describeNode(node));
    return std::nullopt;
  }

  std::vector<std::string> items;
  bool allRead = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string itemPath = indexPath(path, i);
    if (!node[i].IsScalar()) {
      context.error(itemPath, "expected a string, got " + describeNode(node[i]));
      allRead = false;
      continue;
    }
    std::optional<std::string> item = readString(node[i], itemPath, context);
    allRead = allRead && item.has_value();
    items.push_back(item.value_or(""));
  }
  if (!allRead) {
    return std::nullopt;
  }
  return items;
}

void forEachEntry(const YAML::Node& node, const std::string& path, LoadContext& context,
                  const EntryVisitor& visit) {
  if (isEmptyValue(node)) {
    return;
  }
  if (!node.IsMap()) {
    context.error(path, "expected a map, got " + describeNode(node));
    return;
  }

  std::set<std::string> seen;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      context.error(path, "expected names as keys, got " + describeNode(entry.first));
      continue;
    }
    const std::string& key = entry.first.Scalar();
    const std::string entryPath = childPath(path, key);
    if (!seen.insert(key).second) {
      context.error(entryPath, "duplicate key; each name may appear once");
      continue;
    }
    visit(key, entry.second, entryPath);
  }
}

MapReader::MapReader(const YAML::Node& node, std::string path,
                     std::span<const std::string_view> allowedKeys, LoadContext& context)
    : node_(node), path_(std::move(path)), context_(context) {
  if (isEmptyValue(node)) {
    return;
  }
  if (!node.IsMap()) {
    context_.error(path_, "expected a map, got " + describeNode(node));
    return;
  }
  isMap_ = true;
  checkKeys(allowedKeys);
}

void MapReader::checkKeys(std::span<const std::string_view> allowedKeys) const {
  std::set<std::string> seen;
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar()) {
      context_.error(path_, "expected key names, got " + describeNode(entry.first));
      continue;
    }
    const std::string& key = entry.first.Scalar();
    const bool allowed =
        std::find(allowedKeys.begin(), allowedKeys.end(), key) != allowedKeys.end();
    if (!allowed) {
      context_.error(pathOf(key),
                     "unknown key; allowed keys: " + joinNames(allowedKeyNames(allowedKeys)));
    } else if (!seen.insert(key).second) {
      context_.error(pathOf(key), "duplicate key; each key may appear once");
    }
  }
}

bool MapReader::has(std::string_view key) const {
  return isMap_ && node_[std::string(key)].IsDefined();
}

YAML::Node MapReader::child(std::string_view key) const {
  if (!isMap_) {
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return node_[std::string(key)];
}

bool MapReader::read(std::string_view key, std::string& out) const {
  if (!has(key)) {
    return false;
  }
  std::optional<std::string> value = readString(child(key), pathOf(key), context_);
  if (!value) {
    return false;
  }
  out = std::move(*value);
  return true;
}

void MapReader::read(std::string_view key, bool& out) const {
  const std::optional<std::string> text = typedScalar(key, "a boolean (true or false)");
  if (!text) {
    return;
  }
  if (const std::optional<bool> value = parseBool(*text)) {
    out = *value;
  } else {
    context_.error(pathOf(key), "expected a boolean (true or false), got \"" + *text + "\"");
  }
}

void MapReader::read(std::string_view key, int& out, Bound bound) const {
  const std::optional<std::int64_t> value = readInteger(key, bound);
  if (!value) {
    return;
  }
  if (*value > std::numeric_limits<int>::max()) {
    context_.error(pathOf(key), "must be <= " + std::to_string(std::numeric_limits<int>::max()) +
                                    ", got " + std::to_string(*value));
    return;
  }
  out = static_cast<int>(*value);
}

void MapReader::read(std::string_view key, std::size_t& out, Bound bound) const {
  if (const std::optional<std::int64_t> value = readInteger(key, bound)) {
    out = static_cast<std::size_t>(*value);
  }
}

void MapReader::read(std::string_view key, Milliseconds& out, Bound bound) const {
  if (const std::optional<std::int64_t> value = readInteger(key, bound)) {
    out = Milliseconds(*value);
  }
}

void MapReader::read(std::string_view key, double& out, Bound bound) const {
  if (const std::optional<double> value = readNumber(key, bound)) {
    out = *value;
  }
}

void MapReader::read(std::string_view key, std::optional<double>& out, Bound bound) const {
  if (const std::optional<double> value = readNumber(key, bound)) {
    out = *value;
  }
}

void MapReader::read(std::string_view key, std::set<std::string>& out) const {
  if (!has(key)) {
    return;
  }
  if (std::optional<std::vector<std::string>> items =
          readStringList(child(key), pathOf(key), context_)) {
    out = std::set<std::string>(items->begin(), items->end());
  }
}

std::optional<std::string> MapReader::typedScalar(std::string_view key,
                                                  std::string_view expected) const {
  if (!has(key)) {
    return std::nullopt;
  }
  const YAML::Node node = child(key);
  if (!node.IsScalar()) {
    context_.error(pathOf(key), "expected " + std::string(expected) + ", got " + describeNode(node));
    return std::nullopt;
  }
  return readString(node, pathOf(key), context_);
}

std::optional<std::int64_t> MapReader::readInteger(std::string_view key, Bound bound) const {
  const std::optional<std::string> text = typedScalar(key, "an integer");
  if (!text) {
    return std::nullopt;
  }

  const std::optional<std::int64_t> value = parseInteger(*text);
  if (!value) {
    context_.error(pathOf(key), "expected an integer, got \"" + *text + "\"");
    return std::nullopt;
  }
  const std::int64_t minimum = bound == Bound::Positive ? 1 : 0;
  if (*value < minimum) {
    context_.error(pathOf(key), boundMessage(bound, *text));
    return std::nullopt;
  }
  return value;
}

std::optional<double> MapReader::readNumber(std::string_view key, Bound bound) const {
  const std::optional<std::string> text = typedScalar(key, "a number");
  if (!text) {
    return std::nullopt;
  }

  const std::optional<double> value = parseNumber(*text);
  if (!value) {
    context_.error(pathOf(key), "expected a number, got \"" + *text + "\"");
    return std::nullopt;
  }
  const bool tooSmall = bound == Bound::Positive ? *value <= 0 : *value < 0;
  if (tooSmall) {
    context_.error(pathOf(key), boundMessage(bound, *text));
    return std::nullopt;
  }
  return value;
}

}  // namespace pointsman::config
