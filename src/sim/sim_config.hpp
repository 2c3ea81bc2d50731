// The simulator's settings: default and per-model profiles, time scale and threads.
#pragma once

#include "sim/model_profile.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace pointsman::sim {

struct SimConfig {
  ModelProfile defaults;
  std::map<std::string, ModelProfile, std::less<>> models;
  /// Factor applied to every delay; 0.05 runs a 30 s scenario in 1.5 s.
  double timeScale = 1.0;
  /// Threads that run the event loop.
  int threads = 1;

  /// Returns the profile of `model`, or the defaults for a model not in the config.
  [[nodiscard]] const ModelProfile& profileFor(std::string_view model) const;
};

/// Reads the `defaults:` and `models:` sections of a YAML simulator config into `config`.
/// Keys missing from a model come from `config.defaults` after the file's `defaults:` are applied.
/// Throws std::runtime_error naming the file and key for an unknown key, a wrong type, an
/// out-of-range value or an invalid fault list.
void loadSimConfigText(std::string_view yamlText, std::string_view sourceName, SimConfig& config);

/// Reads the YAML file at `path` as loadSimConfigText does; also throws when it cannot be read.
void loadSimConfigFile(const std::string& path, SimConfig& config);

}  // namespace pointsman::sim
