#include "route/trace_number.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace pointsman::route {
namespace {

std::string fixed2(double value) {
  std::string text;
  appendFixed2(text, value);
  return text;
}

// Values at and around the places where the direct writers hand over or round: ties of the
// second decimal and of the sixth significant digit, powers of ten, the %g exponent bounds.
std::vector<double> edgeValues() {
  std::vector<double> values{0.0, -0.0, 1e-4, 9.9999996e-5, 0.9999996, 0.999995, 999999.5, 1e6, 1e8, 1e300,
                             0.005, 0.015, 0.125, 2.675, 1e-300, 5e-324,
                             std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::max()};
  for (int k = -20000; k <= 20000; ++k) {
    values.push_back(k / 8.0);
    values.push_back(k / 1000.0);
    values.push_back(k * 0.005);
    values.push_back(k + 0.5);
    values.push_back(k * 1000.0 + 0.5);
    values.push_back(k * 50.0);
  }
  for (int exponent = -6; exponent <= 8; ++exponent) {
    const double power = std::pow(10.0, exponent);
    for (const double value : {power, std::nextafter(power, 0.0), std::nextafter(power, 1e9), power * 0.9999995,
                               power * 0.99999949999, power * 0.999999500001}) {
      values.push_back(value);
      values.push_back(-value);
    }
  }
  return values;
}

std::vector<double> randomValues() {
  std::mt19937_64 random(20261205);
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i) {
    values.push_back(std::uniform_real_distribution<double>(0, 1)(random));
    values.push_back(std::exp(std::uniform_real_distribution<double>(-25, 25)(random)));
    values.push_back(-std::exp(std::uniform_real_distribution<double>(-12, 16)(random)));
    values.push_back(std::bit_cast<double>(random()));
  }
  return values;
}

TEST(TraceNumber, Fixed2MatchesFmtOnEdgeValues) {
  for (const double value : edgeValues()) {
    ASSERT_EQ(fixed2(value), fmt::format("{:.2f}", value)) << fmt::format("{:a}", value);
  }
}

TEST(TraceNumber, Fixed2MatchesFmtOnRandomValues) {
  for (const double value : randomValues()) {
    ASSERT_EQ(fixed2(value), fmt::format("{:.2f}", value)) << fmt::format("{:a}", value);
  }
}

TEST(TraceNumber, GeneralMatchesFmtOnEdgeValues) {
  for (const double value : edgeValues()) {
    ASSERT_EQ(formatGeneral(value), fmt::format("{:g}", value)) << fmt::format("{:a}", value);
  }
}

TEST(TraceNumber, GeneralMatchesFmtOnRandomValues) {
  for (const double value : randomValues()) {
    ASSERT_EQ(formatGeneral(value), fmt::format("{:g}", value)) << fmt::format("{:a}", value);
  }
}

TEST(TraceNumber, AppendsAfterExistingText) {
  std::string text = "score=";
  appendFixed2(text, 0.5071);
  text += " tokens=";
  appendGeneral(text, 4039);
  EXPECT_EQ(text, "score=0.51 tokens=4039");
}

}  // namespace
}  // namespace pointsman::route
