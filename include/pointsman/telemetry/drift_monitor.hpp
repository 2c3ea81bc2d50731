#pragma once

// Feature drift: for each monitored feature, a binned reference distribution against a sliding
// window of live requests, compared by the population stability index (PSI). The PSI of each
// feature is a gauge, routing decisions are a counter, and a warning is logged when a PSI
// crosses the threshold.

#include <pointsman/telemetry/metrics.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pointsman::telemetry {

/// One monitored feature: its bins and, optionally, the reference share of each bin.
struct DriftFeatureSpec {
  /// A fixed name from code, used as the `feature` label.
  std::string name;
  /// Finite upper bounds of the bins; a value above the last goes to one more bin.
  std::vector<double> upper_bounds;
  /// The reference share of each bin (bounds + 1 entries, summing to 1), e.g. from training.
  /// Empty: the first full window of live traffic becomes the reference.
  std::vector<double> reference;
};

/// The features the gateway monitors, in the order of `defaultDriftFeatures()`.
enum class DriftFeature : std::size_t { PromptTokens, Task, TaskConfidence, Complexity, Pii, SemanticSimilarity };

/// Bins for each DriftFeature, with no reference, so the first full window becomes it. The
/// gateway fills the references it has from training (analyze::driftFeaturesFor).
std::vector<DriftFeatureSpec> defaultDriftFeatures();

/// Returns the share of `values` in each bin of `upper_bounds` (bounds + 1 entries), binned as
/// DriftMonitor bins live values: a value goes to the first bin whose bound is >= it. Empty when
/// `values` is empty.
std::vector<double> binShares(const std::vector<double>& upper_bounds, const std::vector<double>& values);

/// Sizes of the live window and the warning threshold.
struct DriftOptions {
  /// Requests in the sliding window. It moves by `window / blocks` requests at a time.
  std::size_t window = 1000;
  std::size_t blocks = 10;
  /// A PSI above this logs a warning once until it falls back below. 0.2 is the usual
  /// "significant shift" mark for PSI.
  double warn_threshold = 0.2;
};

/// Returns sum((live - ref) * ln(live / ref)) over bins, with empty bins counted as a share of
/// 1e-4 so that the logarithm stays finite.
double populationStabilityIndex(const std::vector<double>& reference, const std::vector<double>& live);

/// Thread-safe without locks on the request path: counts are atomics in a ring of blocks, and
/// the thread whose observation completes a block recomputes the PSI.
class DriftMonitor {
 public:
  DriftMonitor(Registry& registry, std::vector<DriftFeatureSpec> features, DriftOptions options);
  ~DriftMonitor();

  /// Counts `value` for the feature at `index` (its position in the specs).
  void observe(std::size_t index, double value);
  /// Counts one routing decision in `pointsman_route_decisions_total`. Both labels must come
  /// from config.
  void countDecision(const std::string& route, const std::string& deployment);

  /// The latest PSI of a feature; negative until its first window is complete.
  [[nodiscard]] double psi(std::size_t index) const;
  [[nodiscard]] std::size_t featureIndex(const std::string& name) const;
  [[nodiscard]] std::size_t featureCount() const;

 private:
  struct Tracker;

  void completeBlock(Tracker& tracker, std::uint64_t observed);

  std::vector<std::unique_ptr<Tracker>> trackers_;
  DriftOptions options_;
  std::size_t block_size_;
  Family<Gauge>& psi_gauge_;
  Family<Counter>& decisions_;
};

}  // namespace pointsman::telemetry
