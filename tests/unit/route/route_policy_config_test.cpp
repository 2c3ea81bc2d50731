// Config errors for routing rules and policies: each names the path and the fix.

#include "unit/route/route_test_support.hpp"

#include <gmock/gmock.h>

namespace pointsman::route {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::routeErrors;

TEST(RoutePolicyConfig, UnknownConditionListsKnownOnes) {
  const auto errors = routeErrors(R"(
routes:
  auto:
    rules:
      - { when: { tsk: code }, use: [mini] }
)");

  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("routes.auto.rules[0].when.tsk: unknown condition \"tsk\"; known: task, "
                                   "task_confidence, prompt_tokens"));
}

TEST(RoutePolicyConfig, UnknownDeploymentNamesDefinedOnes) {
  EXPECT_THAT(routeErrors("routes:\n  auto:\n    rules:\n      - { when: {}, use: [gpt5] }\n"),
              ElementsAre("routes.auto.rules[0].use[0]: unknown deployment \"gpt5\"; defined deployments: "
                          "embed, local, local-embed, local2, mini, sonnet"));
  EXPECT_THAT(routeErrors("routes:\n  auto: { learned: { strong: opus, weak: mini } }\n"),
              ElementsAre(HasSubstr("routes.auto.learned.strong: unknown deployment \"opus\"")));
}

TEST(RoutePolicyConfig, BadOperatorAndValues) {
  EXPECT_THAT(routeErrors("routes:\n  a: { rules: [ { when: { prompt_tokens: { above: 3 } }, use: [mini] } ] }\n"),
              Contains(HasSubstr("routes.a.rules[0].when.prompt_tokens.above: unknown key; allowed keys: gt, gte, "
                                 "lt, lte")));
  EXPECT_THAT(routeErrors("routes:\n  a: { rules: [ { when: { task: [code, poetry] }, use: [mini] } ] }\n"),
              ElementsAre(HasSubstr("routes.a.rules[0].when.task[1]: unknown task \"poetry\"; known: chat, code")));
  EXPECT_THAT(routeErrors("routes:\n  a: { rules: [ { when: { pii: phone_number }, use: [mini] } ] }\n"),
              ElementsAre(HasSubstr("unknown PII kind \"phone_number\"; known: email, phone")));
  EXPECT_THAT(routeErrors("routes:\n  a: { rules: [ { when: { tools: maybe }, use: [mini] } ] }\n"),
              ElementsAre("routes.a.rules[0].when.tools: expected true or false, got \"maybe\""));
  EXPECT_THAT(routeErrors("routes:\n  a: { rules: [ { when: { complexity: high }, use: [mini] } ] }\n"),
              ElementsAre("routes.a.rules[0].when.complexity: expected a number, got \"high\""));
}

TEST(RoutePolicyConfig, RuleNeedsExactlyOnePolicy) {
  EXPECT_THAT(routeErrors("routes:\n  a: { rules: [ { when: {} } ] }\n"),
              ElementsAre("routes.a.rules[0]: needs exactly one policy of use, tier, cost, semantic, learned, "
                          "cascade; found none"));
  EXPECT_THAT(routeErrors("routes:\n  a: { rules: [ { use: [mini], cost: { from: [mini] } } ] }\n"),
              ElementsAre(HasSubstr("found 2")));
}

TEST(RoutePolicyConfig, UseAndRulesTogetherIsAnError) {
  EXPECT_THAT(routeErrors("routes:\n  a: { use: [mini], rules: [ { when: {}, use: [sonnet] } ] }\n"),
              ElementsAre(HasSubstr("routes.a: give either rules: with otherwise:, or one policy")));
}

TEST(RoutePolicyConfig, OnPremisesRuleNeedsOnPremisesDeployment) {
  EXPECT_THAT(routeErrors("routes:\n  a: { rules: [ { when: { pii: any }, use: [mini], on_premises_only: true } ] }\n"),
              ElementsAre(HasSubstr("routes.a.rules[0].on_premises_only: none of these deployments runs at a "
                                    "provider tagged on_premises")));
}

TEST(RoutePolicyConfig, PolicyFieldRanges) {
  EXPECT_THAT(routeErrors("routes:\n  a: { learned: { strong: sonnet, weak: mini, threshold: 1.5 } }\n"),
              ElementsAre("routes.a.learned.threshold: must be between 0 and 1"));
  EXPECT_THAT(routeErrors("routes:\n  a: { cascade: { use: [mini] } }\n"),
              ElementsAre("routes.a.cascade.use: a cascade needs at least two deployments, cheapest first"));
  EXPECT_THAT(routeErrors("routes:\n  a: { cost: { from: [mini], downgrade_below: 0.3 } }\n"),
              ElementsAre(HasSubstr("routes.a.cost.downgrade_to: missing")));
  EXPECT_THAT(routeErrors("routes:\n  a: { semantic: { threshold: 0.5 } }\n"),
              ElementsAre(HasSubstr("routes.a.semantic.routes: missing")));
}

TEST(RoutePolicyConfig, MinScoreNeedsAnswerScorer) {
  EXPECT_THAT(routeErrors("routes:\n  a: { cascade: { use: [mini, sonnet], accept: { min_score: 0.5 } } }\n"),
              ElementsAre(HasSubstr("routes.a.cascade.accept.min_score: needs the answer scorer, but "
                                    "analyzers.answer_scorer is not set")));
  EXPECT_THAT(routeErrors("analyzers: { answer_scorer: answer-scorer.json }\n"
                          "routes:\n  a: { cascade: { use: [mini, sonnet], accept: { min_score: 0.5 } } }\n"),
              ElementsAre());
}

constexpr const char* kSemanticWithEncoder = R"(
      - semantic:
          encoder: { deployment: %s }
          routes: { coding: { examples: ["fix this bug"], use: [sonnet] } }
    otherwise: { use: [mini] }
)";

std::string semanticRouteWithEncoder(const std::string& deployment, const std::string& firstRule = {}) {
  std::string routes = "routes:\n  a:\n    rules:\n" + firstRule;
  std::string rule = kSemanticWithEncoder;
  rule.replace(rule.find("%s"), 2, deployment);
  return routes + rule;
}

TEST(RoutePolicyConfig, SemanticEncoderReadsItsFields) {
  const auto config = testing::loadRoutes(R"(
routes:
  a:
    semantic:
      encoder: { deployment: embed, dimensions: 256, timeout_ms: 500, cache_entries: 100 }
      routes: { coding: { examples: ["fix this bug"], use: [sonnet] } }
)");
  ASSERT_NE(config, nullptr);
  const auto& semantic = std::get<config::SemanticPolicyConfig>(config->routes.at("a").otherwise->policy);

  ASSERT_TRUE(semantic.encoder.has_value());
  EXPECT_EQ(semantic.encoder->deployment, "embed");
  EXPECT_EQ(semantic.encoder->dimensions, 256);
  EXPECT_EQ(semantic.encoder->timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(semantic.encoder->cache_entries, 100u);
}

TEST(RoutePolicyConfig, SemanticEncoderMustBeAnEmbeddingsDeployment) {
  EXPECT_THAT(routeErrors(semanticRouteWithEncoder("gpt5")),
              ElementsAre(HasSubstr("routes.a.rules[0].semantic.encoder.deployment: unknown deployment \"gpt5\"")));
  EXPECT_THAT(routeErrors(semanticRouteWithEncoder("mini")),
              ElementsAre(HasSubstr("routes.a.rules[0].semantic.encoder.deployment: deployment \"mini\" does not "
                                    "list the embeddings capability")));
  EXPECT_THAT(routeErrors(semanticRouteWithEncoder("embed")), ElementsAre());
}

TEST(RoutePolicyConfig, SemanticEncoderStaysOnPremisesWhenRouteDoes) {
  const std::string onPremisesRule = "      - { when: { pii: any }, use: [local], on_premises_only: true }\n";

  EXPECT_THAT(routeErrors(semanticRouteWithEncoder("embed", onPremisesRule)),
              ElementsAre(HasSubstr("routes.a.rules[1].semantic.encoder.deployment: this route keeps requests on "
                                    "premises")));
  EXPECT_THAT(routeErrors(semanticRouteWithEncoder("local-embed", onPremisesRule)), ElementsAre());
}

TEST(RoutePolicyConfig, SemanticPoliciesOfARouteShareOneEncoder) {
  EXPECT_THAT(routeErrors(R"(
routes:
  a:
    rules:
      - semantic: { encoder: { deployment: embed }, routes: { coding: { examples: ["fix it"], use: [sonnet] } } }
    otherwise:
      semantic: { routes: { chat: { examples: ["hello"], use: [mini] } } }
)"),
              ElementsAre(HasSubstr("routes.a.otherwise.semantic.encoder: the semantic policies of one route share "
                                    "one encoder, but an earlier one uses embed")));
}

TEST(RoutePolicyConfig, RangeConditionCompilesBounds) {
  const auto config = testing::loadRoutes(
      "routes:\n  a: { rules: [ { when: { prompt_tokens: { gt: 10, lte: 20 } }, use: [mini] } ], "
      "otherwise: { use: [sonnet] } }\n");
  ASSERT_NE(config, nullptr);

  const auto& condition = config->routes.at("a").rules.at(0).when.at(0);

  EXPECT_EQ(condition.subject, config::ConditionSubject::PromptTokens);
  EXPECT_EQ(condition.test, config::ConditionTest::Range);
  EXPECT_DOUBLE_EQ(condition.lower, 10);
  EXPECT_TRUE(condition.lower_exclusive);
  EXPECT_DOUBLE_EQ(condition.upper, 20);
  EXPECT_FALSE(condition.upper_exclusive);
  EXPECT_EQ(condition.path, "routes.a.rules[0].when.prompt_tokens");
}

}  // namespace
}  // namespace pointsman::route
