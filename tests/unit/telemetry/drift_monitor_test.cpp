#include <pointsman/telemetry/drift_monitor.hpp>

#include <gtest/gtest.h>

namespace pointsman::telemetry {
namespace {

TEST(PopulationStabilityIndex, IdenticalDistributionsGiveZero) {
  EXPECT_DOUBLE_EQ(populationStabilityIndex({0.5, 0.5}, {0.5, 0.5}), 0.0);
}

TEST(PopulationStabilityIndex, MatchesHandComputedValue) {
  // (0.7 - 0.5) ln(0.7/0.5) + (0.3 - 0.5) ln(0.3/0.5)
  const double expected = 0.2 * std::log(1.4) - 0.2 * std::log(0.6);

  EXPECT_NEAR(populationStabilityIndex({0.5, 0.5}, {0.7, 0.3}), expected, 1e-12);
}

TEST(PopulationStabilityIndex, EmptyBinStaysFinite) {
  const double psi = populationStabilityIndex({0.5, 0.5}, {1.0, 0.0});

  EXPECT_TRUE(std::isfinite(psi));
  EXPECT_GT(psi, 1.0);
}

TEST(DriftMonitor, FirstWindowBecomesReference) {
  Registry registry;
  DriftMonitor monitor(registry, {{"x", {0.5}, {}}}, DriftOptions{100, 10, 0.2});

  for (int i = 0; i < 99; ++i) monitor.observe(0, i % 2);
  EXPECT_LT(monitor.psi(0), 0.0);
  monitor.observe(0, 1);

  EXPECT_NEAR(monitor.psi(0), 0.0, 1e-12);
}

TEST(DriftMonitor, ShiftedTrafficRaisesPsiAndGauge) {
  Registry registry;
  DriftMonitor monitor(registry, {{"complexity", {0.5}, {0.5, 0.5}}}, DriftOptions{100, 10, 0.2});

  for (int i = 0; i < 100; ++i) monitor.observe(0, 0.9);

  EXPECT_GT(monitor.psi(0), 0.2);
  const std::string text = registry.renderPrometheusText();
  EXPECT_NE(text.find("pointsman_feature_drift_psi{feature=\"complexity\"}"), std::string::npos) << text;
}

TEST(DriftMonitor, WindowSlidesOffOldTraffic) {
  Registry registry;
  DriftMonitor monitor(registry, {{"x", {0.5}, {0.5, 0.5}}}, DriftOptions{100, 10, 0.2});

  for (int i = 0; i < 100; ++i) monitor.observe(0, 0.9);
  const double shifted = monitor.psi(0);
  for (int i = 0; i < 100; ++i) monitor.observe(0, i % 2);

  EXPECT_GT(shifted, 1.0);
  EXPECT_NEAR(monitor.psi(0), 0.0, 1e-9);
}

TEST(DriftMonitor, DecisionsAreCountedByRouteAndDeployment) {
  Registry registry;
  DriftMonitor monitor(registry, defaultDriftFeatures(), DriftOptions{});

  monitor.countDecision("auto", "mini");
  monitor.countDecision("auto", "mini");

  const std::string text = registry.renderPrometheusText();
  EXPECT_NE(text.find("pointsman_route_decisions_total{route=\"auto\",deployment=\"mini\"} 2"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace pointsman::telemetry
