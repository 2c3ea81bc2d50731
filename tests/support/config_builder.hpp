#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pointsman::test {

/// Builds a gateway YAML config in the schema of include/pointsman/config/config.hpp. Entries are
/// kept in insertion order; values passed as `fields` are YAML flow-map entries inserted verbatim,
/// e.g. `timeouts: { idle_ms: 500 }`.
class ConfigBuilder {
 public:
  /// Adds an entry to `server:`, e.g. `max_body_bytes: 2097152`.
  ConfigBuilder& serverField(std::string field);
  ConfigBuilder& provider(std::string name, std::string baseUrl, std::string fields = {});
  ConfigBuilder& deployment(std::string name, std::string provider, std::string model,
                            std::string fields = {});
  ConfigBuilder& route(std::string name, std::vector<std::string> use);
  /// A route whose flow-map entries are given verbatim, e.g. `use: [mini], hedge: { after_ms: 50 }`.
  ConfigBuilder& routeEntry(std::string name, std::string fields);
  /// Adds an entry to `telemetry:`, e.g. `log_level: debug`.
  ConfigBuilder& telemetryField(std::string field);
  /// Adds a top-level YAML block verbatim.
  ConfigBuilder& rawBlock(std::string yaml);
  /// Sets `auth:`; the default is `none`.
  ConfigBuilder& auth(std::string mode);

  [[nodiscard]] std::string yaml() const;

 private:
  std::vector<std::string> serverFields_;
  std::vector<std::pair<std::string, std::string>> providers_;
  std::vector<std::pair<std::string, std::string>> deployments_;
  std::vector<std::pair<std::string, std::string>> routes_;
  std::vector<std::string> telemetryFields_;
  std::vector<std::string> rawBlocks_;
  std::string auth_ = "none";
};

}  // namespace pointsman::test
