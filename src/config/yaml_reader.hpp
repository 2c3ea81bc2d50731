#pragma once

#include "config/load_context.hpp"

#include <pointsman/config/config.hpp>

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::config {

/// Lower limit of a numeric field.
enum class Bound { NonNegative, Positive };

/// True for a missing node and for an empty YAML value (`key:` or `~`).
bool isEmptyValue(const YAML::Node& node);

/// Names a node for "got ..." in messages: the quoted scalar, "a map", "a list" or
/// "an empty value". Never use it on a field that may hold a secret.
std::string describeNode(const YAML::Node& node);

/// Returns a string field with `${VAR}` expanded. An empty YAML value (`key:` or `~`) reads as
/// "". Reports a map, a list or a failed expansion and returns nullopt. When `variables` is
/// given, it receives the names of the variables the value referred to.
std::optional<std::string> readString(const YAML::Node& node, const std::string& path,
                                      LoadContext& context,
                                      std::vector<std::string>* variables = nullptr);

/// Returns a list of strings, each expanded; reports every bad item.
std::optional<std::vector<std::string>> readStringList(const YAML::Node& node,
                                                       const std::string& path,
                                                       LoadContext& context);

using EntryVisitor =
    std::function<void(const std::string& key, const YAML::Node& value, const std::string& path)>;

/// Calls `visit` for each entry of a map whose keys the user names (providers, models, headers).
/// An empty value counts as an empty map. Reports a node that is not a map, a key that is not a
/// scalar and a repeated key, which yaml-cpp would otherwise resolve silently to the first one.
void forEachEntry(const YAML::Node& node, const std::string& path, LoadContext& context,
                  const EntryVisitor& visit);

/// Reader for the fields of one YAML map with a fixed set of keys. The constructor reports a node
/// that is not a map, unknown keys and repeated keys. Each read reports a bad value at its path
/// and leaves the output unchanged, so the default stays in place.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string path, std::span<const std::string_view> allowedKeys,
            LoadContext& context);

  [[nodiscard]] bool isMap() const { return isMap_; }
  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] YAML::Node child(std::string_view key) const;
  [[nodiscard]] std::string pathOf(std::string_view key) const { return childPath(path_, key); }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] LoadContext& context() const { return context_; }

  /// Returns false when the key is absent or its value was reported as invalid.
  bool read(std::string_view key, std::string& out) const;
  void read(std::string_view key, bool& out) const;
  void read(std::string_view key, int& out, Bound bound) const;
  void read(std::string_view key, std::size_t& out, Bound bound) const;
  void read(std::string_view key, Milliseconds& out, Bound bound) const;
  void read(std::string_view key, double& out, Bound bound) const;
  void read(std::string_view key, std::optional<double>& out, Bound bound) const;
  void read(std::string_view key, std::set<std::string>& out) const;

 private:
  void checkKeys(std::span<const std::string_view> allowedKeys) const;
  std::optional<std::string> typedScalar(std::string_view key, std::string_view expected) const;
  std::optional<std::int64_t> readInteger(std::string_view key, Bound bound) const;
  std::optional<double> readNumber(std::string_view key, Bound bound) const;

  YAML::Node node_;
  std::string path_;
  LoadContext& context_;
  bool isMap_ = false;
};

}  // namespace pointsman::config
