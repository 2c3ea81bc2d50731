#include <pointsman/analyze/features.hpp>

#include <gtest/gtest.h>

namespace pointsman::analyze {
namespace {

TEST(FeatureNames, TaskTypesRoundTrip) {
  for (std::size_t i = 0; i < kTaskTypeCount; ++i) {
    const auto type = static_cast<TaskType>(i);
    EXPECT_EQ(taskTypeFromName(taskTypeName(type)), type) << taskTypeName(type);
  }
  EXPECT_EQ(taskTypeName(TaskType::CreativeWriting), "creative_writing");
  EXPECT_EQ(taskTypeName(TaskType::OpenQuestion), "open_question");
  EXPECT_FALSE(taskTypeFromName("Code"));
  EXPECT_FALSE(taskTypeFromName(""));
}

TEST(FeatureNames, PiiKindsRoundTrip) {
  for (std::size_t i = 0; i < kPiiKindCount; ++i) {
    const auto kind = static_cast<PiiKind>(i);
    EXPECT_EQ(piiKindFromName(piiKindName(kind)), kind) << piiKindName(kind);
  }
  EXPECT_EQ(piiKindName(PiiKind::PaymentCard), "payment_card");
  EXPECT_EQ(piiKindName(PiiKind::UsSsn), "us_ssn");
  EXPECT_FALSE(piiKindFromName("ssn"));
}

}  // namespace
}  // namespace pointsman::analyze
