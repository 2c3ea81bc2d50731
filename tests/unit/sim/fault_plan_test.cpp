#include "sim/fault_plan.hpp"

#include <gtest/gtest.h>

namespace pointsman::sim {
namespace {

FaultPlan parseValid(std::string_view text) {
  auto parsed = parseFaultPlan(text);
  const auto* error = std::get_if<std::string>(&parsed);
  EXPECT_EQ(error, nullptr) << *error;
  return error == nullptr ? std::get<FaultPlan>(parsed) : FaultPlan{};
}

std::string parseError(std::string_view text) {
  auto parsed = parseFaultPlan(text);
  const auto* error = std::get_if<std::string>(&parsed);
  return error == nullptr ? std::string() : *error;
}

TEST(FaultPlanTest, EmptyTextIsEmptyPlan) {
  EXPECT_TRUE(parseValid("").empty());
  EXPECT_TRUE(parseValid(" ; ;").empty());
}

TEST(FaultPlanTest, StatusWithRetryHeaders) {
  const auto plan =
      parseValid("status=429; retry_after=7;retry_after_ms=1500;content_type=text/plain;body=slow");
  ASSERT_TRUE(plan.status);
  EXPECT_EQ(*plan.status, 429);
  EXPECT_EQ(plan.retryAfterSeconds, 7);
  EXPECT_EQ(plan.retryAfterMs, 1500);
  EXPECT_EQ(plan.contentType, "text/plain");
  EXPECT_EQ(plan.body, "slow");
  EXPECT_FALSE(plan.empty());
}

TEST(FaultPlanTest, StreamFaults) {
  const auto plan = parseValid(
      "stall_after_events=3;stall_ms=250;reset_after_events=5;error_after_events=0;"
      "close_after_events=9");
  EXPECT_EQ(plan.stallAfterEvents, 3);
  EXPECT_EQ(plan.stallMs, 250);
  EXPECT_EQ(plan.resetAfterEvents, 5);
  EXPECT_EQ(plan.errorAfterEvents, 0);
  EXPECT_EQ(plan.closeAfterEvents, 9);
}

TEST(FaultPlanTest, ResetTakesNoValue) {
  EXPECT_TRUE(parseValid("reset").reset);
  EXPECT_NE(parseError("reset=1"), "");
}

TEST(FaultPlanTest, LaterItemWins) {
  EXPECT_EQ(parseValid("status=503;status=429").status, 429);
}

TEST(FaultPlanTest, RejectsInvalidItems) {
  EXPECT_NE(parseError("status=abc").find("status"), std::string::npos);
  EXPECT_NE(parseError("status=99"), "");
  EXPECT_NE(parseError("stall_ms=-1"), "");
  EXPECT_NE(parseError("explode").find("unknown fault item"), std::string::npos);
  EXPECT_NE(parseError("stall_after_events=2").find("stall_ms"), std::string::npos);
  EXPECT_NE(parseError("percent=101").find("percent"), std::string::npos);
}

TEST(FaultPlanTest, DrawPicksAlternativeByPercent) {
  constexpr std::string_view kList = "percent=10;status=500 | percent=20;reset|percent=5;status=429";
  EXPECT_EQ(pickFaultAlternative(kList, 0), "percent=10;status=500 ");
  EXPECT_EQ(pickFaultAlternative(kList, 9), "percent=10;status=500 ");
  EXPECT_EQ(pickFaultAlternative(kList, 10), " percent=20;reset");
  EXPECT_EQ(pickFaultAlternative(kList, 29), " percent=20;reset");
  EXPECT_EQ(pickFaultAlternative(kList, 30), "percent=5;status=429");
  EXPECT_EQ(pickFaultAlternative(kList, 34), "percent=5;status=429");
  EXPECT_EQ(pickFaultAlternative(kList, 35), "");
  EXPECT_EQ(pickFaultAlternative(kList, 99), "");
}

TEST(FaultPlanTest, ListWithoutPercentAlwaysApplies) {
  EXPECT_EQ(pickFaultAlternative("status=503", 99), "status=503");
  EXPECT_EQ(pickFaultAlternative("", 0), "");
  EXPECT_EQ(pickFaultAlternative("percent=0;status=503", 0), "");
  EXPECT_EQ(checkFaultList("status=503"), std::nullopt);
}

TEST(FaultPlanTest, ListRejectsPercentsAbove100) {
  const auto error = checkFaultList("percent=60;status=500|percent=50;reset");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("add up to 110"), std::string::npos) << *error;
  // An alternative without percent counts as 100.
  EXPECT_TRUE(checkFaultList("status=500|reset"));
  EXPECT_EQ(checkFaultList("percent=60;status=500|percent=40;reset"), std::nullopt);
}

TEST(FaultPlanTest, ListRejectsInvalidAlternative) {
  const auto error = checkFaultList("percent=10;status=500|percent=10;explode");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("unknown fault item 'explode'"), std::string::npos) << *error;
  EXPECT_EQ(pickFaultAlternative("percent=10;status=500|explode", 50), "explode");
}

}  // namespace
}  // namespace pointsman::sim
