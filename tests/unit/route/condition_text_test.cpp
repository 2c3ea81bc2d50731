#include "route/condition_evaluator.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace pointsman::route {
namespace {

using config::Condition;
using config::ConditionSubject;
using config::ConditionTest;

std::string described(const Condition& condition) {
  std::string text = "prefix ";
  appendTestDescription(text, condition);
  return text;
}

Condition range(double lower, double upper, bool lower_exclusive, bool upper_exclusive) {
  Condition condition;
  condition.subject = ConditionSubject::PromptTokens;
  condition.test = ConditionTest::Range;
  condition.lower = lower;
  condition.upper = upper;
  condition.lower_exclusive = lower_exclusive;
  condition.upper_exclusive = upper_exclusive;
  return condition;
}

Condition values(std::vector<std::string> accepted) {
  Condition condition;
  condition.subject = ConditionSubject::Header;
  condition.name = "x-team";
  condition.values = std::move(accepted);
  return condition;
}

TEST(ConditionText, RangesInWords) {
  const double unbounded = std::numeric_limits<double>::infinity();
  EXPECT_EQ(described(range(8000, unbounded, true, false)), "prefix > 8000");
  EXPECT_EQ(described(range(0.95, unbounded, false, false)), "prefix >= 0.95");
  EXPECT_EQ(described(range(-unbounded, 1000, false, false)), "prefix <= 1000");
  EXPECT_EQ(described(range(-unbounded, 0.5, false, true)), "prefix < 0.5");
  EXPECT_EQ(described(range(0.5, 2, false, true)), "prefix >= 0.5 and < 2");
  EXPECT_EQ(described(range(3, 3, false, false)), "prefix = 3");
  EXPECT_EQ(described(range(1234567, unbounded, true, false)), "prefix > 1.23457e+06");
  EXPECT_EQ(described(range(-unbounded, unbounded, false, false)), "prefix ");
}

TEST(ConditionText, FlagsAndPresence) {
  Condition flag;
  flag.subject = ConditionSubject::Stream;
  flag.test = ConditionTest::Flag;
  flag.flag = true;
  EXPECT_EQ(described(flag), "prefix true");
  flag.flag = false;
  EXPECT_EQ(described(flag), "prefix false");

  Condition present;
  present.subject = ConditionSubject::Pii;
  present.test = ConditionTest::Present;
  EXPECT_EQ(described(present), "prefix any");
}

TEST(ConditionText, ValueListsSkipSeparatorBeforeFirstText) {
  EXPECT_EQ(described(values({"research"})), "prefix one of research");
  EXPECT_EQ(described(values({"research", "sales"})), "prefix one of research, sales");
  EXPECT_EQ(described(values({"", "sales"})), "prefix one of sales");
  EXPECT_EQ(described(values({"research", "", "sales"})), "prefix one of research, , sales");
  EXPECT_EQ(described(values({})), "prefix one of ");
}

TEST(ConditionText, MaskNamesJoinedByComma) {
  Condition pii;
  pii.subject = ConditionSubject::Pii;
  pii.mask = 0;
  EXPECT_EQ(described(pii), "prefix one of none");
  pii.mask = 0b11;
  EXPECT_EQ(described(pii), "prefix one of " + std::string(config::piiNameAt(0)) + "," +
                                std::string(config::piiNameAt(1)));
}

}  // namespace
}  // namespace pointsman::route
