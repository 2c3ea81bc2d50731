#pragma once

// A small metrics registry with Prometheus text exposition (format 0.0.4). Label values must come
// from config (routes, deployments, providers), never from request input, so the number of series
// stays bounded. Updating a child series is lock-free (relaxed atomics); looking one up takes a
// shared lock, so hot paths look a child up once and keep the reference.

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pointsman::telemetry {

class Counter {
 public:
  /// Adds `amount`. A negative or NaN amount is ignored, because a Prometheus counter never falls.
  void increment(double amount = 1.0);
  [[nodiscard]] double value() const;

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double value);
  void add(double amount);
  [[nodiscard]] double value() const;

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  /// `upper_bounds` are the finite bucket bounds, and the +Inf bucket is implied. The constructor
  /// sorts them, merges duplicates and drops non-finite bounds.
  explicit Histogram(std::vector<double> upper_bounds);
  /// Counts `value` in the first bucket whose bound is at least `value`. NaN is ignored, because
  /// it would turn the sum into NaN for good.
  void observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;  // equal to the +Inf count
  };
  /// Reads the current counts. Each bucket is read once, so `count` matches the buckets, but an
  /// observation made during the read may be in the buckets and not yet in `sum`.
  [[nodiscard]] Snapshot snapshot() const;

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> bucket_counts_;  // non-cumulative, bounds + 1
  std::atomic<double> sum_{0.0};
};

/// A metric name with a fixed list of label names and one child series per label-value tuple.
/// A family without label names has its one child from construction, so it always renders a
/// series. `histogram_bounds` is used only by `Family<Histogram>`.
template <class Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> histogram_bounds = {});

  /// The child for these label values (created on first use). `values` must have one entry per
  /// label name: debug builds assert it, and release builds pad with empty values or drop the
  /// extra ones. The reference stays valid for the family's lifetime.
  Metric& labels(const std::vector<std::string>& values);
  /// The same, without building strings: a child that exists is found without allocating, which
  /// matters on the request path.
  Metric& labels(std::initializer_list<std::string_view> values);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& help() const { return help_; }
  [[nodiscard]] const std::vector<std::string>& labelNames() const { return label_names_; }

  /// Calls `visit(label_values, metric)` for every child, in label order.
  template <class Visitor>
  void forEach(Visitor&& visit) const {
    std::shared_lock lock(mutex_);
    for (const auto& [key, child] : children_) visit(child.values, *child.metric);
  }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<double> histogram_bounds_;
  mutable std::shared_mutex mutex_;
  struct Child {
    std::vector<std::string> values;
    std::unique_ptr<Metric> metric;
  };

  Metric& child(std::span<const std::string_view> values);

  /// Children by their label values joined with \x01, which sorts like the list of values and
  /// is found with one string comparison per tree level, without allocating.
  std::map<std::string, Child, std::less<>> children_;
};

/// Owns every family and renders them all as Prometheus text. Registering a name again returns
/// the existing family, and the help, label names and bounds of the first registration stay.
/// Registering a name already used by another kind is a programming error: the process logs it
/// and aborts.
class Registry {
 public:
  Family<Counter>& counter(const std::string& name, const std::string& help,
                           std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(const std::string& name, const std::string& help,
                       std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(const std::string& name, const std::string& help,
                               std::vector<std::string> label_names, std::vector<double> bounds);

  /// The text exposition of every family, in registration order.
  [[nodiscard]] std::string renderPrometheusText() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };

  // Returns the index of `name` in the vector of `kind`, or nothing when the name is new. Aborts
  // when the name belongs to another kind.
  std::optional<std::size_t> findExisting(const std::string& name, Kind kind) const;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_;
  std::vector<std::unique_ptr<Family<Gauge>>> gauges_;
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_;
  // Registration order across the three kinds, as (kind, index into that kind's vector).
  std::vector<std::pair<Kind, std::size_t>> order_;
};

/// Bucket bounds in seconds for request and upstream latencies (1 ms to 120 s).
std::vector<double> latencyBucketsSeconds();
/// Bucket bounds in seconds for the gateway's own overhead (5 µs to 50 ms).
std::vector<double> overheadBucketsSeconds();

}  // namespace pointsman::telemetry
