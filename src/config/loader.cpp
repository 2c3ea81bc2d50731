#include <pointsman/config/loader.hpp>

#include "config/file_reading.hpp"
#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <array>
#include <cstdlib>

namespace pointsman::config {

namespace {

constexpr std::array<std::string_view, 13> kTopLevelKeys = {
    "server",     "admin",     "auth",       "providers", "models", "routes",
    "resilience", "telemetry", "accounting", "tiers",     "teams",  "keys", "analyzers"};

std::string locationLabel(const std::string& sourcePath) {
  return sourcePath.empty() ? "" : " in " + sourcePath;
}

// Returns the single document, a null node for empty text, or nullopt after reporting why the
// text is not one valid YAML document.
std::optional<YAML::Node> parseDocument(std::string_view text, const std::string& sourcePath,
                                        LoadContext& context) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& error) {
    // yaml-cpp counts lines and columns from 0; editors count from 1.
    context.error("", "invalid YAML" + locationLabel(sourcePath) + " at line " +
                          std::to_string(error.mark.line + 1) + ", column " +
                          std::to_string(error.mark.column + 1) + ": " + error.msg);
    return std::nullopt;
  }

  if (documents.size() > 1) {
    context.error("", "expected one YAML document" + locationLabel(sourcePath) + ", found " +
                          std::to_string(documents.size()) + "; remove the extra '---' lines");
    return std::nullopt;
  }
  return documents.empty() ? YAML::Node() : documents.front();
}

void parseSections(const YAML::Node& root, LoadContext& context, Config& config) {
  if (!root.IsNull() && !root.IsMap()) {
    context.error("", "expected a map of sections (server, providers, models, routes, ...) at "
                      "the top level, got " + describeNode(root));
    return;
  }
  const MapReader reader(root, "", kTopLevelKeys, context);

  parseServer(reader.child("server"), context, config.server);
  parseAdmin(reader.child("admin"), context, config.admin);
  parseAuth(reader.child("auth"), context, config.auth);
  parseProviders(reader.child("providers"), context, config.providers);
  parseModels(reader.child("models"), context, config.models);
  // Routes copy `resilience.retry` as the base of their own `retry:`, so it is read first.
  parseResilience(reader.child("resilience"), context, config.resilience);
  parseRoutes(reader.child("routes"), context, config.resilience.retry, config.routes);
  parseTelemetry(reader.child("telemetry"), context, config.telemetry);
  parseAccounting(reader.child("accounting"), context, config.accounting);
  parseTiers(reader.child("tiers"), context, config.tiers);
  parseTeams(reader.child("teams"), context, config.teams);
  parseKeys(reader.child("keys"), context, config.keys);
  parseAnalyzers(reader.child("analyzers"), context, config.source_path, config.analyzers);
  // Listing keys is a request to check them, so `auth:` may be left out then.
  if (!reader.has("auth") && !config.keys.empty()) {
    config.auth = AuthMode::Keys;
  }

  checkReferences(config, context);
}

}  // namespace

std::string ConfigError::toString() const {
  return path.empty() ? message : path + ": " + message;
}

EnvironmentLookup processEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

LoadResult loadConfigText(std::string_view yaml_text, const std::string& source_path,
                          const EnvironmentLookup& environment) {
  LoadContext context{environment, {}, {}};
  auto config = std::make_shared<Config>();
  config->source_path = source_path;

  // yaml-cpp reports errors by exception. None may escape, because callers such as
  // check-config only look at LoadResult.
  try {
    if (const std::optional<YAML::Node> root = parseDocument(yaml_text, source_path, context)) {
      parseSections(*root, context, *config);
    }
  } catch (const YAML::Exception& error) {
    context.error("", "failed to read the YAML" + locationLabel(source_path) + " at line " +
                          std::to_string(error.mark.line + 1) + ": " + error.msg);
  } catch (const std::exception& error) {
    context.error("", "failed to load the config" + locationLabel(source_path) + ": " +
                          error.what());
  }

  LoadResult result;
  result.errors = std::move(context.errors);
  result.warnings = std::move(context.warnings);
  if (result.errors.empty()) {
    result.config = std::move(config);
  }
  return result;
}

LoadResult loadConfigFile(const std::string& path, const EnvironmentLookup& environment) {
  const FileText file = readFileText(path);
  if (!file.text) {
    LoadResult result;
    result.errors.push_back(
        ConfigError{"", "cannot read config file \"" + path + "\": " + file.failure});
    return result;
  }
  return loadConfigText(*file.text, path, environment);
}

}  // namespace pointsman::config
