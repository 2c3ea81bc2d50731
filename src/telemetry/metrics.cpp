#include "pointsman/telemetry/metrics.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <type_traits>

#include "telemetry/prometheus_text.hpp"

namespace pointsman::telemetry {

namespace {

// Adds with a compare-exchange loop, which needs only the C++11 atomic operations on double.
void atomicAdd(std::atomic<double>& target, double amount) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + amount, std::memory_order_relaxed)) {
  }
}

std::vector<double> normalizeBounds(std::vector<double> bounds) {
  std::erase_if(bounds, [](double bound) { return !std::isfinite(bound); });
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return bounds;
}

template <class Metric>
std::unique_ptr<Metric> makeMetric(const std::vector<double>& histogram_bounds) {
  if constexpr (std::is_same_v<Metric, Histogram>) {
    return std::make_unique<Histogram>(histogram_bounds);
  } else {
    return std::make_unique<Metric>();
  }
}

}  // namespace

void Counter::increment(double amount) {
  if (!(amount >= 0.0)) return;
  atomicAdd(value_, amount);
}

double Counter::value() const { return value_.load(std::memory_order_relaxed); }

void Gauge::set(double value) { value_.store(value, std::memory_order_relaxed); }

void Gauge::add(double amount) { atomicAdd(value_, amount); }

double Gauge::value() const { return value_.load(std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(normalizeBounds(std::move(upper_bounds))),
      bucket_counts_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {}

void Histogram::observe(double value) {
  if (std::isnan(value)) return;

  const auto bound = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  const auto bucket = static_cast<std::size_t>(bound - upper_bounds_.begin());
  bucket_counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  atomicAdd(sum_, value);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.upper_bounds = upper_bounds_;
  snapshot.cumulative_counts.reserve(upper_bounds_.size() + 1);

  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += bucket_counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative_counts.push_back(running);
  }
  snapshot.count = running;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

template <class Metric>
Family<Metric>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                       std::vector<double> histogram_bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      histogram_bounds_(std::move(histogram_bounds)) {
  if (label_names_.empty()) {
    children_.emplace(std::string(), Child{{}, makeMetric<Metric>(histogram_bounds_)});
  }
}

template <class Metric>
Metric& Family<Metric>::labels(const std::vector<std::string>& values) {
  std::vector<std::string_view> views(values.begin(), values.end());
  return child(views);
}

template <class Metric>
Metric& Family<Metric>::labels(std::initializer_list<std::string_view> values) {
  return child(std::span<const std::string_view>(values.begin(), values.size()));
}

template <class Metric>
Metric& Family<Metric>::child(std::span<const std::string_view> values) {
  assert(values.size() == label_names_.size());
  if (values.size() != label_names_.size()) {
    std::vector<std::string_view> fitted(values.begin(), values.end());
    fitted.resize(label_names_.size());
    return child(fitted);
  }

  thread_local std::string key;
  key.clear();
  for (const auto value : values) {
    key += value;
    key += '\x01';
  }

  {
    std::shared_lock lock(mutex_);
    const auto found = children_.find(std::string_view(key));
    if (found != children_.end()) return *found->second.metric;
  }

  std::unique_lock lock(mutex_);
  auto [position, inserted] = children_.try_emplace(key);
  if (inserted) {
    position->second.values.assign(values.begin(), values.end());
    position->second.metric = makeMetric<Metric>(histogram_bounds_);
  }
  return *position->second.metric;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

std::optional<std::size_t> Registry::findExisting(const std::string& name, Kind kind) const {
  for (const auto& [existingKind, index] : order_) {
    const std::string* existingName = nullptr;
    switch (existingKind) {
      case Kind::kCounter:
        existingName = &counters_[index]->name();
        break;
      case Kind::kGauge:
        existingName = &gauges_[index]->name();
        break;
      case Kind::kHistogram:
        existingName = &histograms_[index]->name();
        break;
    }
    if (*existingName != name) continue;

    if (existingKind == kind) return index;
    spdlog::critical(
        "Metric '{}' is registered with two different types. Register each name "
        "with one type.",
        name);
    spdlog::default_logger()->flush();
    std::abort();
  }
  return std::nullopt;
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help,
                                   std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  if (const auto index = findExisting(name, Kind::kCounter)) return *counters_[*index];

  counters_.push_back(std::make_unique<Family<Counter>>(name, help, std::move(label_names)));
  order_.emplace_back(Kind::kCounter, counters_.size() - 1);
  return *counters_.back();
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help,
                               std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  if (const auto index = findExisting(name, Kind::kGauge)) return *gauges_[*index];

  gauges_.push_back(std::make_unique<Family<Gauge>>(name, help, std::move(label_names)));
  order_.emplace_back(Kind::kGauge, gauges_.size() - 1);
  return *gauges_.back();
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  if (const auto index = findExisting(name, Kind::kHistogram)) return *histograms_[*index];

  histograms_.push_back(
      std::make_unique<Family<Histogram>>(name, help, std::move(label_names), std::move(bounds)));
  order_.emplace_back(Kind::kHistogram, histograms_.size() - 1);
  return *histograms_.back();
}

std::string Registry::renderPrometheusText() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [kind, index] : order_) {
    switch (kind) {
      case Kind::kCounter:
        appendPrometheusFamily(out, *counters_[index]);
        break;
      case Kind::kGauge:
        appendPrometheusFamily(out, *gauges_[index]);
        break;
      case Kind::kHistogram:
        appendPrometheusFamily(out, *histograms_[index]);
        break;
    }
  }
  return out;
}

std::vector<double> latencyBucketsSeconds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
}

std::vector<double> overheadBucketsSeconds() {
  return {0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025,
          0.0005,   0.001,   0.0025,   0.005,   0.01,   0.05};
}

}  // namespace pointsman::telemetry
