#include <pointsman/app/request_metrics.hpp>

#include <gtest/gtest.h>

namespace pointsman::app {
namespace {

TEST(RequestMetrics, CountsByStatusClass) {
  telemetry::Registry registry;
  telemetry::GatewayMetrics metrics(registry);
  RequestMetrics cache(metrics);

  cache.record({"fast", "mini", 200, 0.01, std::nullopt, 10, 2});
  cache.record({"fast", "mini", 201, 0.02, std::nullopt, 5, 1});
  cache.record({"fast", "mini", 499, 0.03, std::nullopt, std::nullopt, std::nullopt});

  EXPECT_EQ(metrics.requests.labels({"fast", "mini", "2xx"}).value(), 2);
  EXPECT_EQ(metrics.requests.labels({"fast", "mini", "499"}).value(), 1);
  EXPECT_EQ(metrics.tokens.labels({"mini", "prompt"}).value(), 15);
  EXPECT_EQ(metrics.tokens.labels({"mini", "completion"}).value(), 3);
}

TEST(RequestMetrics, StreamSeriesAfterFirstStream) {
  telemetry::Registry registry;
  telemetry::GatewayMetrics metrics(registry);
  RequestMetrics cache(metrics);

  cache.record({"fast", "mini", 200, 0.01, std::nullopt, std::nullopt, std::nullopt});
  EXPECT_EQ(registry.renderPrometheusText().find("pointsman_time_to_first_token_seconds_count{"), std::string::npos);

  cache.record({"fast", "mini", 200, 0.01, 0.002, std::nullopt, std::nullopt});
  EXPECT_NE(registry.renderPrometheusText().find("pointsman_time_to_first_token_seconds_count{deployment=\"mini\"} 1"),
            std::string::npos)
      << registry.renderPrometheusText();
}

}  // namespace
}  // namespace pointsman::app
