#include <pointsman/analyze/semantic_router.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace pointsman::analyze {
namespace {

std::map<std::string, std::vector<std::string>> bankingAndTravel() {
  return {
      {"banking", {"what is my account balance", "transfer money to my savings", "freeze my debit card"}},
      {"travel", {"book a flight to rome", "do i need a visa for japan", "find a hotel near the airport"}},
  };
}

TEST(SemanticRouter, MatchesTheRouteOfTheClosestExample) {
  const SemanticRouter router(bankingAndTravel());
  const auto match = router.match("please transfer money into savings");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, "banking");
  EXPECT_GT(match->similarity, 0.3);
  EXPECT_LE(match->similarity, 1.0);
}

TEST(SemanticRouter, ExactExampleHasSimilarityOne) {
  const SemanticRouter router(bankingAndTravel(), {.scoring = SemanticScoring::NearestExample});
  const auto match = router.nearest("book a flight to rome");
  EXPECT_EQ(match.route, "travel");
  EXPECT_NEAR(match.similarity, 1.0, 1e-5);
}

TEST(SemanticRouter, NothingMatchesBelowThreshold) {
  const SemanticRouter router(bankingAndTravel(), {.threshold = 0.5});
  EXPECT_FALSE(router.match("write a poem about autumn leaves").has_value());
  EXPECT_EQ(router.nearest("write a poem about autumn leaves").route.empty(), false);
}

TEST(SemanticRouter, CentroidScoringPicksTheRoute) {
  const SemanticRouter router(bankingAndTravel(), {.scoring = SemanticScoring::Centroid, .threshold = 0.1});
  const auto match = router.match("hotel and flight for my japan trip");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->route, "travel");
}

TEST(SemanticRouter, LargerScoringIsAtLeastEitherScore) {
  const auto routes = bankingAndTravel();
  const SemanticRouter nearest(routes, {.scoring = SemanticScoring::NearestExample});
  const SemanticRouter centroid(routes, {.scoring = SemanticScoring::Centroid});
  const SemanticRouter larger(routes, {.scoring = SemanticScoring::Larger});
  const std::string text = "freeze the card on my account";
  const double expected = std::max(nearest.nearest(text).similarity, centroid.nearest(text).similarity);
  EXPECT_NEAR(larger.nearest(text).similarity, expected, 1e-6);
}

TEST(SemanticRouter, RouteWithoutWordsIsRejected) {
  EXPECT_THROW(SemanticRouter({{"empty", {"?!", ""}}}), std::invalid_argument);
  EXPECT_THROW(SemanticRouter({}), std::invalid_argument);
}

}  // namespace
}  // namespace pointsman::analyze
