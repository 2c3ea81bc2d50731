#include <pointsman/telemetry/drift_monitor.hpp>

#include <algorithm>

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

std::vector<double> binShares(const std::vector<double>& upper_bounds, const std::vector<double>& values) {
  if (values.empty()) return {};
  std::vector<double> shares(upper_bounds.size() + 1, 0.0);
  for (const double value : values) {
    const auto bin = std::lower_bound(upper_bounds.begin(), upper_bounds.end(), value) - upper_bounds.begin();
    shares[static_cast<std::size_t>(bin)] += 1.0;
  }
  for (auto& share : shares) share /= static_cast<double>(values.size());
  return shares;
}

}  // namespace pointsman::telemetry
