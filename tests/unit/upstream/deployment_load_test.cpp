#include <pointsman/upstream/deployment_load.hpp>

#include <gtest/gtest.h>

namespace pointsman::upstream {
namespace {

using std::chrono::microseconds;

TEST(DeploymentLoad, NoPercentileBeforeEnoughSamples) {
  DeploymentLoad load;
  for (std::size_t i = 0; i + 1 < DeploymentLoad::kMinPercentileSamples; ++i) load.recordTimeToFirstToken(microseconds(1000));
  EXPECT_FALSE(load.timeToFirstTokenP95Ms().has_value());
}

TEST(DeploymentLoad, P95FollowsTheSlowTail) {
  DeploymentLoad load;
  for (int i = 0; i < 57; ++i) load.recordTimeToFirstToken(microseconds(10'000));
  for (int i = 0; i < 7; ++i) load.recordTimeToFirstToken(microseconds(900'000));
  const auto p95 = load.timeToFirstTokenP95Ms();
  ASSERT_TRUE(p95.has_value());
  EXPECT_DOUBLE_EQ(*p95, 900.0);
}

TEST(DeploymentLoad, OldSamplesLeaveTheWindow) {
  DeploymentLoad load;
  for (int i = 0; i < 64; ++i) load.recordTimeToFirstToken(microseconds(900'000));
  for (int i = 0; i < 64; ++i) load.recordTimeToFirstToken(microseconds(20'000));
  EXPECT_DOUBLE_EQ(*load.timeToFirstTokenP95Ms(), 20.0);
}

}  // namespace
}  // namespace pointsman::upstream
