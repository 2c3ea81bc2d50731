#include "pointsman/telemetry/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "telemetry/prometheus_text.hpp"

namespace pointsman::telemetry {
namespace {

TEST(Counter, IncrementsAndIgnoresNegative) {
  Counter counter;
  EXPECT_EQ(counter.value(), 0.0);
  counter.increment();
  counter.increment(2.5);
  counter.increment(-10);
  counter.increment(std::nan(""));
  EXPECT_EQ(counter.value(), 3.5);
}

TEST(Gauge, SetAndAdd) {
  Gauge gauge;
  gauge.set(10);
  gauge.add(-3);
  gauge.add(0.5);
  EXPECT_EQ(gauge.value(), 7.5);
  gauge.set(-1);
  EXPECT_EQ(gauge.value(), -1.0);
}

TEST(Histogram, BucketsAreCumulative) {
  Histogram histogram({0.1, 1, 10});
  for (const double value : {0.05, 0.1, 0.5, 1.0, 5.0, 50.0, 500.0}) histogram.observe(value);

  const Histogram::Snapshot snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.upper_bounds, (std::vector<double>{0.1, 1, 10}));
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<std::uint64_t>{2, 4, 5, 7}));
  EXPECT_EQ(snapshot.count, 7u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 556.65);
}

TEST(Histogram, NormalizesBoundsAndIgnoresNan) {
  const double infinity = std::numeric_limits<double>::infinity();
  Histogram histogram({5, 1, 5, infinity});
  histogram.observe(std::nan(""));
  histogram.observe(3);

  const Histogram::Snapshot snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.upper_bounds, (std::vector<double>{1, 5}));
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<std::uint64_t>{0, 1, 1}));
  EXPECT_EQ(snapshot.sum, 3.0);
}

TEST(Family, LabelsReturnSameChild) {
  Family<Counter> family("requests_total", "Requests.", {"route"});
  Counter& first = family.labels({"chat"});
  first.increment();
  EXPECT_EQ(&family.labels({"chat"}), &first);
  EXPECT_NE(&family.labels({"embed"}), &first);
  EXPECT_EQ(family.labels({"chat"}).value(), 1.0);
}

TEST(Registry, SameNameReturnsExistingFamily) {
  Registry registry;
  auto& first = registry.counter("hits_total", "Hits.", {"route"});
  auto& second = registry.counter("hits_total", "Other help.", {"other"});
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(second.help(), "Hits.");

  auto& histogram = registry.histogram("latency_seconds", "Latency.", {}, {1});
  EXPECT_EQ(&registry.histogram("latency_seconds", "Latency.", {}, {2}), &histogram);
}

TEST(RegistryDeathTest, SameNameOtherKindAborts) {
  Registry registry;
  registry.counter("mixed", "Mixed.");
  // The reason goes to the spdlog logger, which writes to stdout, so only the abort is checked.
  EXPECT_DEATH(registry.gauge("mixed", "Mixed."), "");
}

TEST(Registry, RendersExactText) {
  Registry registry;
  auto& requests =
      registry.counter("pointsman_requests_total", "Requests handled.", {"route", "status"});
  requests.labels({"chat", "200"}).increment(3);
  requests.labels({"chat", "500"}).increment();
  registry.gauge("pointsman_inflight", "Requests in flight.").labels({}).set(2);
  auto& latency = registry.histogram("pointsman_latency_seconds", "Request latency.", {"route"},
                                     {0.005, 0.5, 1});
  latency.labels({"chat"}).observe(0.25);
  latency.labels({"chat"}).observe(2);
  registry.counter("pointsman_unused_total", "Never incremented.", {"route"});

  const std::string expected =
      "# HELP pointsman_requests_total Requests handled.\n"
      "# TYPE pointsman_requests_total counter\n"
      "pointsman_requests_total{route=\"chat\",status=\"200\"} 3\n"
      "pointsman_requests_total{route=\"chat\",status=\"500\"} 1\n"
      "# HELP pointsman_inflight Requests in flight.\n"
      "# TYPE pointsman_inflight gauge\n"
      "pointsman_inflight 2\n"
      "# HELP pointsman_latency_seconds Request latency.\n"
      "# TYPE pointsman_latency_seconds histogram\n"
      "pointsman_latency_seconds_bucket{route=\"chat\",le=\"0.005\"} 0\n"
      "pointsman_latency_seconds_bucket{route=\"chat\",le=\"0.5\"} 1\n"
      "pointsman_latency_seconds_bucket{route=\"chat\",le=\"1\"} 1\n"
      "pointsman_latency_seconds_bucket{route=\"chat\",le=\"+Inf\"} 2\n"
      "pointsman_latency_seconds_sum{route=\"chat\"} 2.25\n"
      "pointsman_latency_seconds_count{route=\"chat\"} 2\n"
      "# HELP pointsman_unused_total Never incremented.\n"
      "# TYPE pointsman_unused_total counter\n";
  EXPECT_EQ(registry.renderPrometheusText(), expected);
}

TEST(Registry, UnlabeledFamiliesRenderZeroSeries) {
  Registry registry;
  registry.counter("a_total", "A.");
  registry.histogram("b_seconds", "B.", {}, {0.5});

  const std::string expected =
      "# HELP a_total A.\n"
      "# TYPE a_total counter\n"
      "a_total 0\n"
      "# HELP b_seconds B.\n"
      "# TYPE b_seconds histogram\n"
      "b_seconds_bucket{le=\"0.5\"} 0\n"
      "b_seconds_bucket{le=\"+Inf\"} 0\n"
      "b_seconds_sum 0\n"
      "b_seconds_count 0\n";
  EXPECT_EQ(registry.renderPrometheusText(), expected);
}

TEST(Registry, EscapesHelpAndLabelValues) {
  Registry registry;
  auto& family = registry.counter("escaped_total", "Back\\slash and\nnewline \"kept\".", {"path"});
  family.labels({"C:\\dir \"quoted\"\nnext"}).increment();

  const std::string expected =
      "# HELP escaped_total Back\\\\slash and\\nnewline \"kept\".\n"
      "# TYPE escaped_total counter\n"
      "escaped_total{path=\"C:\\\\dir \\\"quoted\\\"\\nnext\"} 1\n";
  EXPECT_EQ(registry.renderPrometheusText(), expected);
}

TEST(PrometheusText, FormatsValues) {
  EXPECT_EQ(formatPrometheusValue(0), "0");
  EXPECT_EQ(formatPrometheusValue(42), "42");
  EXPECT_EQ(formatPrometheusValue(-7), "-7");
  EXPECT_EQ(formatPrometheusValue(1000000), "1000000");
  EXPECT_EQ(formatPrometheusValue(0.5), "0.5");
  EXPECT_EQ(formatPrometheusValue(0.1), "0.1");
  EXPECT_EQ(formatPrometheusValue(0.0025), "0.0025");
  EXPECT_EQ(formatPrometheusValue(0.000005), "5e-06");
  EXPECT_EQ(formatPrometheusValue(1e300), "1e+300");
  EXPECT_EQ(formatPrometheusValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatPrometheusValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(formatPrometheusValue(std::nan("")), "NaN");
}

TEST(PrometheusText, BucketBoundsRoundTrip) {
  for (const auto& bounds : {latencyBucketsSeconds(), overheadBucketsSeconds()}) {
    for (const double bound : bounds) {
      EXPECT_EQ(std::stod(formatPrometheusValue(bound)), bound) << formatPrometheusValue(bound);
    }
  }
}

TEST(Buckets, DefaultBounds) {
  const auto latency = latencyBucketsSeconds();
  ASSERT_EQ(latency.size(), 16u);
  EXPECT_EQ(latency.front(), 0.001);
  EXPECT_EQ(latency.back(), 120.0);
  EXPECT_TRUE(std::is_sorted(latency.begin(), latency.end()));

  const auto overhead = overheadBucketsSeconds();
  ASSERT_EQ(overhead.size(), 12u);
  EXPECT_EQ(overhead.front(), 0.000005);
  EXPECT_EQ(overhead.back(), 0.05);
  EXPECT_TRUE(std::is_sorted(overhead.begin(), overhead.end()));
}

TEST(Metrics, ConcurrentUpdatesSumExactly) {
  constexpr int kThreads = 4;
  constexpr int kIterations = 20000;
  Registry registry;
  auto& counters = registry.counter("concurrent_total", "Concurrent.", {"route"});
  Gauge& gauge = registry.gauge("concurrent_gauge", "Concurrent.").labels({});
  Histogram& histogram =
      registry.histogram("concurrent_seconds", "Concurrent.", {}, {0.5}).labels({});

  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIterations; ++i) {
        counters.labels({i % 2 == 0 ? "even" : "odd"}).increment();
        gauge.add(1);
        histogram.observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  const double half = kThreads * kIterations / 2.0;
  EXPECT_EQ(counters.labels({"even"}).value(), half);
  EXPECT_EQ(counters.labels({"odd"}).value(), half);
  EXPECT_EQ(gauge.value(), kThreads * kIterations);

  const Histogram::Snapshot snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.count, static_cast<std::uint64_t>(kThreads * kIterations));
  EXPECT_EQ(snapshot.cumulative_counts[0], static_cast<std::uint64_t>(half));
  EXPECT_EQ(snapshot.sum, half * 0.25 + half * 1.0);
}

}  // namespace
}  // namespace pointsman::telemetry
