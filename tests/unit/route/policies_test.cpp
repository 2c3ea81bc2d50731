// TierPolicy, CostPolicy, SemanticPolicy, LearnedPolicy and CascadePolicy through real configs
// and hand-built features.

#include "unit/route/route_test_support.hpp"

#include <pointsman/route/cost_policy.hpp>

namespace pointsman::route {
namespace {

using testing::candidateNames;
using testing::loadRoutes;
using testing::planFor;

TEST(TierPolicy, FreeTierNeverGetsPremiumDeployment) {
  const auto config = loadRoutes(R"(
routes:
  tiered: { tier: { premium: [sonnet, mini], free: [mini], default: [local] } }
)");
  analyze::Features features;
  PrincipalView free;
  free.tier = "free";
  PrincipalView premium;
  premium.tier = "premium";
  PrincipalView unknown;
  unknown.tier = "trial";

  const Plan free_plan = planFor(*config, "tiered", {&features, &free, {}, {}});
  const Plan premium_plan = planFor(*config, "tiered", {&features, &premium, {}, {}});
  const Plan trial_plan = planFor(*config, "tiered", {&features, &unknown, {}, {}});
  const Plan anonymous_plan = planFor(*config, "tiered", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(free_plan), std::vector<std::string>{"mini"});
  EXPECT_EQ(candidateNames(premium_plan), (std::vector<std::string>{"sonnet", "mini"}));
  EXPECT_EQ(candidateNames(trial_plan), std::vector<std::string>{"local"});
  EXPECT_EQ(candidateNames(anonymous_plan), std::vector<std::string>{"local"});
  EXPECT_EQ(free_plan.decision, "route=tiered policy=tier tier=free -> mini");
}

constexpr const char* kCostRoute = R"(
routes:
  thrifty:
    cost: { from: [sonnet, mini, local], downgrade_below: 0.2, downgrade_to: [local, local2] }
)";

TEST(CostPolicy, CheapestDeploymentFirst) {
  const auto config = loadRoutes(kCostRoute);
  analyze::Features features;
  features.estimated_prompt_tokens = 1000;

  const Plan plan = planFor(*config, "thrifty", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(plan), (std::vector<std::string>{"local", "mini", "sonnet"}));
  EXPECT_EQ(plan.policy, "cost");
}

TEST(CostPolicy, ContextWindowMustHoldPromptAndMaxTokens) {
  const auto config = loadRoutes(kCostRoute);
  analyze::Features features;
  features.estimated_prompt_tokens = 30000;
  features.max_tokens = 4000;

  const Plan plan = planFor(*config, "thrifty", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(plan), (std::vector<std::string>{"mini", "sonnet"}));
  ASSERT_EQ(plan.trace.skipped.size(), 1u);
  EXPECT_EQ(plan.trace.skipped[0].deployment, "local");
  EXPECT_EQ(plan.trace.skipped[0].reason, "context 32000 < 34000 tokens needed");
}

TEST(CostPolicy, CapabilitiesFilterDeployments) {
  const auto config = loadRoutes(kCostRoute);
  analyze::Features images;
  images.has_images = true;
  analyze::Features tools;
  tools.has_tools = true;

  const Plan vision_plan = planFor(*config, "thrifty", {&images, nullptr, {}, {}});
  const Plan tools_plan = planFor(*config, "thrifty", {&tools, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(vision_plan), std::vector<std::string>{"sonnet"});
  EXPECT_EQ(candidateNames(tools_plan), (std::vector<std::string>{"mini", "sonnet"}));
}

TEST(CostPolicy, LowBudgetDowngradesToEconomicalDeployments) {
  const auto config = loadRoutes(kCostRoute);
  analyze::Features features;
  features.estimated_prompt_tokens = 100;
  PrincipalView low;
  low.budget_remaining = 0.1;
  PrincipalView plenty;
  plenty.budget_remaining = 0.9;

  const Plan low_plan = planFor(*config, "thrifty", {&features, &low, {}, {}});
  const Plan plenty_plan = planFor(*config, "thrifty", {&features, &plenty, {}, {}});

  EXPECT_EQ(candidateNames(low_plan), (std::vector<std::string>{"local", "local2"}));
  EXPECT_NE(low_plan.trace.detail.find("budget_remaining=0.10<0.20: downgrade"), std::string::npos)
      << low_plan.trace.detail;
  EXPECT_EQ(candidateNames(plenty_plan), (std::vector<std::string>{"local", "mini", "sonnet"}));
}

TEST(CostPolicy, NoDeploymentMeetingNeedsFallsThrough) {
  const auto config = loadRoutes(R"(
routes:
  thrifty:
    rules:
      - { when: {}, cost: { from: [local, local2] } }
    otherwise: { use: [sonnet] }
)");
  analyze::Features features;
  features.has_images = true;

  const Plan plan = planFor(*config, "thrifty", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"sonnet"});
}

TEST(CostPolicy, EstimatedCostUsesPricesPerMillionTokens) {
  const auto config = loadRoutes(kCostRoute);
  analyze::Features features;
  features.estimated_prompt_tokens = 1'000'000;
  features.max_tokens = 1'000'000;
  config::CostPolicyConfig cost;

  const double usd = CostPolicy(cost, *config).estimatedCost(config->models.at("mini"), features);

  EXPECT_DOUBLE_EQ(usd, 0.15 + 0.60);
}

constexpr const char* kSemanticRoute = R"(
routes:
  helper:
    rules:
      - when: {}
        semantic:
          threshold: 0.7
          routes:
            coding: { examples: ["fix this bug", "write a function"], use: [sonnet] }
            chitchat: { examples: ["hello there"], use: [mini] }
    otherwise: { use: [local] }
)";

TEST(SemanticPolicy, MatchAboveThresholdPicksItsDeployments) {
  const auto config = loadRoutes(kSemanticRoute);
  analyze::Features features;
  features.semantic = analyze::SemanticMatch{"coding", 0.82};

  const Plan plan = planFor(*config, "helper", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"sonnet"});
  EXPECT_EQ(plan.decision, "route=helper rule=0 policy=semantic semantic coding=0.82>=0.70 -> sonnet");
}

TEST(SemanticPolicy, BelowThresholdFallsThrough) {
  const auto config = loadRoutes(kSemanticRoute);
  analyze::Features below;
  below.semantic = analyze::SemanticMatch{"coding", 0.5};
  analyze::Features none;

  const Plan below_plan = planFor(*config, "helper", {&below, nullptr, {}, {}});
  const Plan none_plan = planFor(*config, "helper", {&none, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(below_plan), std::vector<std::string>{"local"});
  EXPECT_EQ(below_plan.trace.rules[0].detail, "no conditions; coding=0.50<0.70: below threshold");
  EXPECT_EQ(candidateNames(none_plan), std::vector<std::string>{"local"});
}

TEST(SemanticPolicy, EncoderFailureFallsThroughWithReason) {
  const auto config = loadRoutes(kSemanticRoute);
  analyze::Features failed;
  failed.semantic_unavailable = "encoder embed failed: status 502, flags UF";

  const Plan plan = planFor(*config, "helper", {&failed, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"local"});
  ASSERT_EQ(plan.trace.rules.size(), 2u);  // rule 0, then otherwise
  EXPECT_FALSE(plan.trace.rules[0].matched);
  EXPECT_EQ(plan.trace.rules[0].detail, "no conditions; no semantic match: encoder embed failed: status 502, flags UF");
  EXPECT_EQ(plan.trace.toJson()["inputs"]["semantic_route"], "unavailable");
}

TEST(SemanticPolicy, ConfigKeepsExamplesForTheEncoder) {
  const auto config = loadRoutes(kSemanticRoute);

  const auto& rule = config->routes.at("helper").rules.at(0);
  const auto& semantic = std::get<config::SemanticPolicyConfig>(rule.action.policy);

  ASSERT_EQ(semantic.routes.size(), 2u);
  EXPECT_EQ(semantic.routes[0].name, "coding");
  EXPECT_EQ(semantic.routes[0].examples, (std::vector<std::string>{"fix this bug", "write a function"}));
  EXPECT_DOUBLE_EQ(semantic.threshold, 0.7);
}

constexpr const char* kLearnedRoute = R"(
routes:
  auto: { learned: { strong: sonnet, weak: mini, threshold: 0.6 } }
)";

TEST(LearnedPolicy, ScoreAtThresholdPicksStrong) {
  const auto config = loadRoutes(kLearnedRoute);
  analyze::Features at;
  at.complexity = 0.6;
  analyze::Features below;
  below.complexity = 0.59;

  const Plan at_plan = planFor(*config, "auto", {&at, nullptr, {}, {}});
  const Plan below_plan = planFor(*config, "auto", {&below, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(at_plan), (std::vector<std::string>{"sonnet", "mini"}));
  EXPECT_EQ(candidateNames(below_plan), (std::vector<std::string>{"mini", "sonnet"}));
  EXPECT_EQ(below_plan.decision, "route=auto policy=learned score=0.59<0.60 -> mini");
}

TEST(LearnedPolicy, MissingScoreChoosesStrong) {
  const auto config = loadRoutes(kLearnedRoute);
  analyze::Features features;

  const Plan plan = planFor(*config, "auto", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(plan).front(), "sonnet");
  EXPECT_EQ(plan.trace.detail, "no complexity score: strong");
}

TEST(CascadePolicy, PlanCarriesStrategyAndChecks) {
  // The loader only records the scorer's path; the analyze module loads the file.
  const auto config = loadRoutes(R"(
analyzers: { answer_scorer: answer-scorer.json }
routes:
  frugal:
    cascade:
      use: [mini, sonnet]
      accept: { not_refusal: false, min_score: 0.4, verifier: { deployment: sonnet, min_score: 0.7 } }
)");
  analyze::Features features;

  const Plan plan = planFor(*config, "frugal", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(plan), (std::vector<std::string>{"mini", "sonnet"}));
  EXPECT_EQ(plan.strategy, ExecutionStrategy::Cascade);
  ASSERT_NE(plan.cascade_checks, nullptr);
  EXPECT_TRUE(plan.cascade_checks->non_empty);
  EXPECT_FALSE(plan.cascade_checks->not_refusal);
  EXPECT_EQ(plan.cascade_checks->min_score, 0.4);
  ASSERT_TRUE(plan.cascade_checks->verifier.has_value());
  EXPECT_EQ(plan.cascade_checks->verifier->deployment, "sonnet");
  EXPECT_EQ(plan.trace.detail,
            "cascade accept=non_empty,finish_reason_stop,valid_json_in_json_mode,min_score>=0.40,verifier=sonnet>=0.70");
}

}  // namespace
}  // namespace pointsman::route
