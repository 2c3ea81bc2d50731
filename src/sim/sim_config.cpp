#include "sim/sim_config.hpp"

#include "sim/fault_plan.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pointsman::sim {
namespace {

constexpr int kMaxDelayMs = 600'000;
constexpr int kMaxAnswerTokens = 1'000'000;

[[noreturn]] void fail(std::string_view source, const std::string& key, const std::string& what) {
  throw std::runtime_error(std::string(source) + ": " + key + ": " + what);
}

template <typename T>
T readNumber(const YAML::Node& node, std::string_view source, const std::string& key, T min,
             T max) {
  T value{};
  if (!node.IsScalar() || !YAML::convert<T>::decode(node, value) || value < min || value > max) {
    fail(source, key,
         "expected a number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

void readProfile(const YAML::Node& node, std::string_view source, const std::string& path,
                 ModelProfile& profile) {
  if (node.IsNull()) {
    return;
  }
  if (!node.IsMap()) {
    fail(source, path, "expected a map");
  }

  for (const auto& entry : node) {
    const auto key = entry.first.as<std::string>();
    const auto keyPath = path + "." + key;
    if (key == "ttft_ms") {
      profile.ttftMs = readNumber<int>(entry.second, source, keyPath, 0, kMaxDelayMs);
    } else if (key == "tokens_per_second") {
      profile.tokensPerSecond = readNumber<double>(entry.second, source, keyPath, 0, 1e6);
    } else if (key == "answer_tokens") {
      profile.answerTokens = readNumber<int>(entry.second, source, keyPath, 1, kMaxAnswerTokens);
    } else if (key == "fault") {
      if (!entry.second.IsScalar()) {
        fail(source, keyPath, "expected a string");
      }
      profile.fault = entry.second.as<std::string>();
      if (const auto error = checkFaultList(profile.fault)) {
        fail(source, keyPath, *error);
      }
    } else {
      fail(source, keyPath,
           "unknown key: expected ttft_ms, tokens_per_second, answer_tokens or fault");
    }
  }
}

}  // namespace

const ModelProfile& SimConfig::profileFor(std::string_view model) const {
  const auto found = models.find(model);
  return found == models.end() ? defaults : found->second;
}

void loadSimConfigText(std::string_view yamlText, std::string_view sourceName, SimConfig& config) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yamlText));
  } catch (const YAML::Exception& error) {
    fail(sourceName, "yaml", error.what());
  }
  if (root.IsNull()) {
    return;
  }
  if (!root.IsMap()) {
    fail(sourceName, "root", "expected a map with defaults and models");
  }

  // Defaults first, so models read later inherit them whatever the key order in the file.
  if (const auto defaults = root["defaults"]) {
    readProfile(defaults, sourceName, "defaults", config.defaults);
  }
  for (const auto& entry : root) {
    const auto key = entry.first.as<std::string>();
    if (key == "defaults") {
      continue;
    }
    if (key != "models") {
      fail(sourceName, key, "unknown key: expected defaults or models");
    }
    if (!entry.second.IsMap() && !entry.second.IsNull()) {
      fail(sourceName, key, "expected a map from model name to settings");
    }
    for (const auto& model : entry.second) {
      const auto name = model.first.as<std::string>();
      ModelProfile profile = config.defaults;
      readProfile(model.second, sourceName, "models." + name, profile);
      config.models.insert_or_assign(name, std::move(profile));
    }
  }
}

void loadSimConfigFile(const std::string& path, SimConfig& config) {
  std::ifstream file(path);
  if (!file) {
    throw std::runtime_error(path + ": failed to open the simulator config file; check the path and its permissions");
  }
  std::ostringstream text;
  text << file.rdbuf();
  loadSimConfigText(text.str(), path, config);
}

}  // namespace pointsman::sim
