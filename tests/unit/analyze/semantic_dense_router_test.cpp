#include <pointsman/analyze/semantic_dense_router.hpp>
#include <pointsman/analyze/semantic_embedded_examples.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace pointsman::analyze {
namespace {

TEST(DenseSemanticRouter, NearestExampleDecides) {
  const auto built = DenseSemanticRouter::build({"billing", "billing", "shipping"},
                                                {{1, 0, 0}, {0.8F, 0.6F, 0}, {0, 0, 2}});
  ASSERT_NE(built.router, nullptr) << built.error;

  const std::vector<float> query = {0, 0.1F, 3};
  const auto match = built.router->nearest(query);

  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, "shipping");
  EXPECT_NEAR(match->similarity, 3 / std::sqrt(9.01), 1e-6);
}

TEST(DenseSemanticRouter, SimilarityIsCosineWhateverTheLengths) {
  const auto built = DenseSemanticRouter::build({"a"}, {{3, 4}});
  ASSERT_NE(built.router, nullptr);

  const std::vector<float> same_direction = {30, 40};
  const std::vector<float> opposite = {-3, -4};

  EXPECT_NEAR(built.router->nearest(same_direction)->similarity, 1.0, 1e-6);
  EXPECT_NEAR(built.router->nearest(opposite)->similarity, -1.0, 1e-6);
}

TEST(DenseSemanticRouter, QueryOfWrongDimensionOrZerosHasNoMatch) {
  const auto built = DenseSemanticRouter::build({"a"}, {{1, 0}});
  ASSERT_NE(built.router, nullptr);

  const std::vector<float> longer = {1, 0, 0};
  const std::vector<float> zeros = {0, 0};

  EXPECT_FALSE(built.router->nearest(longer).has_value());
  EXPECT_FALSE(built.router->nearest(zeros).has_value());
}

TEST(DenseSemanticRouter, UnusableVectorsAreReported) {
  EXPECT_EQ(DenseSemanticRouter::build({"a", "b"}, {{1, 0}}).error, "1 vectors for 2 examples");
  EXPECT_EQ(DenseSemanticRouter::build({"a", "b"}, {{1, 0}, {1, 0, 0}}).error,
            "example vectors of 2 and 3 dimensions");
  EXPECT_EQ(DenseSemanticRouter::build({"a"}, {{0, 0}}).error, "an example vector is all zeros");
  EXPECT_EQ(DenseSemanticRouter::build({}, {}).error, "no example vectors");
}

TEST(EmbeddedExamples, TextsFollowRouteOrder) {
  const EmbeddedExamples examples({"embed"}, {{"shipping", {"where is my parcel"}}, {"billing", {"refund", "invoice"}}});

  EXPECT_EQ(examples.texts(), (std::vector<std::string>{"refund", "invoice", "where is my parcel"}));
  EXPECT_EQ(examples.router(), nullptr);
}

TEST(EmbeddedExamples, FirstInstallWins) {
  const EmbeddedExamples examples({"embed"}, {{"billing", {"refund"}}, {"shipping", {"parcel"}}});
  std::string error;

  const auto first = examples.install({{1, 0}, {0, 1}}, error);
  const auto second = examples.install({{0, 1}, {1, 0}}, error);

  ASSERT_NE(first, nullptr);
  EXPECT_EQ(second, first);
  EXPECT_EQ(examples.router(), first);
  const std::vector<float> query = {1, 0};
  EXPECT_EQ(examples.router()->nearest(query)->route, "billing");
}

TEST(EmbeddedExamples, UnusableVectorsInstallNothing) {
  const EmbeddedExamples examples({"embed"}, {{"billing", {"refund"}}});
  std::string error;

  EXPECT_EQ(examples.install({{0, 0}}, error), nullptr);
  EXPECT_EQ(error, "an example vector is all zeros");
  EXPECT_EQ(examples.router(), nullptr);
}

}  // namespace
}  // namespace pointsman::analyze
