#include <pointsman/telemetry/drift_monitor.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace pointsman::telemetry {

namespace {

constexpr double kEmptyBinShare = 1e-4;

std::vector<double> shares(const std::vector<std::uint64_t>& counts) {
  std::uint64_t total = 0;
  for (const auto count : counts) total += count;
  std::vector<double> out(counts.size(), 0.0);
  if (total == 0) return out;
  for (std::size_t i = 0; i < counts.size(); ++i) out[i] = static_cast<double>(counts[i]) / static_cast<double>(total);
  return out;
}

}  // namespace

double populationStabilityIndex(const std::vector<double>& reference, const std::vector<double>& live) {
  double psi = 0;
  const std::size_t bins = std::min(reference.size(), live.size());
  for (std::size_t i = 0; i < bins; ++i) {
    const double expected = std::max(reference[i], kEmptyBinShare);
    const double actual = std::max(live[i], kEmptyBinShare);
    psi += (actual - expected) * std::log(actual / expected);
  }
  return psi;
}

struct DriftMonitor::Tracker {
  Tracker(DriftFeatureSpec feature, std::size_t blocks)
      : spec(std::move(feature)), bins(spec.upper_bounds.size() + 1), counts(blocks * bins) {}

  DriftFeatureSpec spec;
  std::size_t bins;
  /// Block-major: counts[block * bins + bin].
  std::vector<std::atomic<std::uint32_t>> counts;
  std::atomic<std::uint64_t> observed{0};
  std::atomic<double> psi{-1.0};
  std::atomic<bool> above_threshold{false};
  Gauge* gauge = nullptr;
  /// Taken once per completed block, never per request: it guards `spec.reference`.
  std::mutex block_mutex;
};

DriftMonitor::DriftMonitor(Registry& registry, std::vector<DriftFeatureSpec> features, DriftOptions options)
    : options_(options),
      block_size_(std::max<std::size_t>(1, options.window / std::max<std::size_t>(1, options.blocks))),
      psi_gauge_(registry.gauge("pointsman_feature_drift_psi",
                                "Population stability index of a request feature: live window against reference",
                                {"feature"})),
      decisions_(registry.counter("pointsman_route_decisions_total",
                                  "Routing decisions by route and first chosen deployment", {"route", "deployment"})) {
  options_.blocks = std::max<std::size_t>(1, options_.blocks);
  for (auto& feature : features) {
    auto tracker = std::make_unique<Tracker>(std::move(feature), options_.blocks);
    tracker->gauge = &psi_gauge_.labels({tracker->spec.name});
    tracker->gauge->set(-1);
    trackers_.push_back(std::move(tracker));
  }
}

DriftMonitor::~DriftMonitor() = default;

std::size_t DriftMonitor::featureCount() const { return trackers_.size(); }

std::size_t DriftMonitor::featureIndex(const std::string& name) const {
  for (std::size_t i = 0; i < trackers_.size(); ++i) {
    if (trackers_[i]->spec.name == name) return i;
  }
  return trackers_.size();
}

double DriftMonitor::psi(std::size_t index) const {
  return index < trackers_.size() ? trackers_[index]->psi.load() : -1.0;
}

void DriftMonitor::countDecision(const std::string& route, const std::string& deployment) {
  decisions_.labels({route, deployment}).increment();
}

void DriftMonitor::observe(std::size_t index, double value) {
  if (index >= trackers_.size() || std::isnan(value)) return;
  Tracker& tracker = *trackers_[index];
  const auto& bounds = tracker.spec.upper_bounds;
  const auto bin = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin());

  const std::uint64_t sequence = tracker.observed.fetch_add(1);
  const std::size_t block = (sequence / block_size_) % options_.blocks;
  if (sequence % block_size_ == 0 && sequence >= block_size_ * options_.blocks) {
    // The block now being reused held the oldest requests of the window: drop them.
    // NOTE: an observation by another thread that lands in this block before the reset ends is
    // lost, so the window is approximate by a few requests under concurrency.
    for (std::size_t i = 0; i < tracker.bins; ++i) tracker.counts[block * tracker.bins + i].store(0);
  }
  tracker.counts[block * tracker.bins + bin].fetch_add(1);
  if ((sequence + 1) % block_size_ == 0) completeBlock(tracker, sequence + 1);
}

void DriftMonitor::completeBlock(Tracker& tracker, std::uint64_t observed) {
  if (observed < block_size_ * options_.blocks) return;  // the first window is not full yet
  const std::lock_guard lock(tracker.block_mutex);

  std::vector<std::uint64_t> totals(tracker.bins, 0);
  for (std::size_t block = 0; block < options_.blocks; ++block) {
    for (std::size_t bin = 0; bin < tracker.bins; ++bin) totals[bin] += tracker.counts[block * tracker.bins + bin].load();
  }
  const std::vector<double> live = shares(totals);
  if (tracker.spec.reference.empty()) {
    tracker.spec.reference = live;
    spdlog::info("drift: feature {} uses its first {} requests as the reference", tracker.spec.name,
                 block_size_ * options_.blocks);
  }
  const double psi = populationStabilityIndex(tracker.spec.reference, live);
  tracker.psi.store(psi);
  tracker.gauge->set(psi);

  const bool above = psi > options_.warn_threshold;
  if (tracker.above_threshold.exchange(above) != above && above) {
    spdlog::warn("drift: feature {} has PSI {:.3f} over the last {} requests, above the threshold {:.2f}; "
                 "the routing policies that read it may no longer fit the traffic",
                 tracker.spec.name, psi, block_size_ * options_.blocks, options_.warn_threshold);
  }
}

}  // namespace pointsman::telemetry
