#include "unit/route/route_test_support.hpp"

namespace pointsman::route {
namespace {

using testing::candidateNames;
using testing::loadRoutes;
using testing::planFor;

TEST(OnPremises, CloudDeploymentsAreFilteredOut) {
  const auto config = loadRoutes(R"(
routes:
  private:
    rules:
      - { when: { pii: any }, cost: { from: [mini, local, sonnet, local2] }, on_premises_only: true }
    otherwise: { use: [mini] }
)");
  analyze::Features features;
  features.pii.set(static_cast<std::size_t>(analyze::PiiKind::PersonName));

  const Plan plan = planFor(*config, "private", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(plan), (std::vector<std::string>{"local", "local2"}));
  EXPECT_TRUE(plan.on_premises_only);
  EXPECT_EQ(plan.trace.constraints, std::vector<std::string>{"on_premises_only"});
  ASSERT_EQ(plan.trace.skipped.size(), 2u);
  EXPECT_EQ(plan.trace.skipped[0].reason, "provider cloud is not tagged on_premises");
}

TEST(OnPremises, NoOnPremisesCandidateIs503NotFallback) {
  auto config = std::make_shared<config::Config>(*loadRoutes(R"(
routes:
  private: { use: [local, mini], on_premises_only: true }
)"));
  // The on-premises provider's key resolved to empty, so its deployment dropped out.
  config->providers.at("onprem").enabled = false;

  const auto result = resolvePlan(*config, "private", RouteInput{});

  ASSERT_TRUE(std::holds_alternative<api::ApiError>(result));
  const auto& error = std::get<api::ApiError>(result);
  EXPECT_EQ(error.status, 503u);
  EXPECT_NE(error.message.find("must stay on premises"), std::string::npos) << error.message;
}

TEST(OnPremises, RouteLevelConstraintBindsUseList) {
  const auto config = loadRoutes(R"(
routes:
  private: { use: [mini, local, sonnet], on_premises_only: true }
)");

  const Plan plan = planFor(*config, "private", {});

  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"local"});
  EXPECT_EQ(plan.decision, "route=private policy=use on_premises_only");
}

TEST(OnPremises, RuleWithoutConstraintKeepsCloud) {
  const auto config = loadRoutes(R"(
routes:
  open: { use: [mini, local] }
)");

  const Plan plan = planFor(*config, "open", {});

  EXPECT_EQ(candidateNames(plan), (std::vector<std::string>{"mini", "local"}));
  EXPECT_FALSE(plan.on_premises_only);
}

}  // namespace
}  // namespace pointsman::route
