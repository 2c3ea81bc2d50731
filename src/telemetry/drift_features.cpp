#include <pointsman/telemetry/drift_monitor.hpp>

namespace pointsman::telemetry {

std::vector<DriftFeatureSpec> defaultDriftFeatures() {
  const std::vector<double> tenths = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
  // Task types are enum indices 0-9; a bound halfway between two puts each in its own bin.
  std::vector<double> task_bounds;
  for (int type = 0; type < 9; ++type) task_bounds.push_back(type + 0.5);
  return {
      {"prompt_tokens", {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384}, {}},
      {"task", task_bounds, {}},
      {"task_confidence", tenths, {}},
      {"complexity", tenths, {}},
      {"pii", {0.5}, {}},
      {"semantic_similarity", tenths, {}},
  };
}

}  // namespace pointsman::telemetry
