#include "unit/route/route_test_support.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace pointsman::route {
namespace {

using testing::candidateNames;
using testing::loadRoutes;
using testing::planFor;

constexpr const char* kAutoRoute = R"(
routes:
  auto:
    rules:
      - { when: { pii: any }, use: [local], on_premises_only: true }
      - { when: { tier: free }, use: [mini] }
      - { when: { task: [code, math], prompt_tokens: { gt: 4000 } }, use: [sonnet, mini] }
      - { when: { header: { X-Team: research } }, use: [sonnet] }
      - { when: { label: { env: staging } }, use: [local2, local] }
      - { when: { request: { temperature: { gte: 1.5 } } }, use: [local] }
    otherwise: { learned: { strong: sonnet, weak: mini, threshold: 0.6 } }
)";

HeaderLookup headersFrom(std::map<std::string, std::string> headers) {
  return [headers = std::move(headers)](std::string_view name) -> std::optional<std::string_view> {
    const auto found = headers.find(std::string(name));
    if (found == headers.end()) return std::nullopt;
    return std::string_view(found->second);
  };
}

TEST(RulesPolicy, FirstMatchingRuleWins) {
  const auto config = loadRoutes(kAutoRoute);
  analyze::Features features;
  features.pii.set(static_cast<std::size_t>(analyze::PiiKind::Email));
  PrincipalView principal;
  principal.tier = "free";

  const Plan plan = planFor(*config, "auto", {&features, &principal, {}, {}});

  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"local"});
  EXPECT_EQ(plan.policy, "use");
  EXPECT_EQ(plan.trace.decided_by, "routes.auto.rules[0]");
  EXPECT_EQ(plan.decision, "route=auto rule=0 policy=use on_premises_only -> local");
}

TEST(RulesPolicy, PrincipalTierSelectsSecondRule) {
  const auto config = loadRoutes(kAutoRoute);
  analyze::Features features;
  PrincipalView principal;
  principal.tier = "free";

  const Plan plan = planFor(*config, "auto", {&features, &principal, {}, {}});

  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"mini"});
  ASSERT_EQ(plan.trace.rules.size(), 2u);
  EXPECT_FALSE(plan.trace.rules[0].matched);
  EXPECT_EQ(plan.trace.rules[0].detail, "pii=absent is not any");
  EXPECT_TRUE(plan.trace.rules[1].matched);
}

TEST(RulesPolicy, AllConditionsOfRuleMustHold) {
  const auto config = loadRoutes(kAutoRoute);
  analyze::Features features;
  features.task = analyze::TaskType::Code;
  features.estimated_prompt_tokens = 4000;  // not greater than 4000
  features.complexity = 0.1;

  const Plan short_code = planFor(*config, "auto", {&features, nullptr, {}, {}});
  features.estimated_prompt_tokens = 4001;
  const Plan long_code = planFor(*config, "auto", {&features, nullptr, {}, {}});
  features.task = analyze::TaskType::Chat;
  const Plan long_chat = planFor(*config, "auto", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(short_code), (std::vector<std::string>{"mini", "sonnet"}));
  EXPECT_EQ(candidateNames(long_code), (std::vector<std::string>{"sonnet", "mini"}));
  EXPECT_EQ(long_code.trace.decided_by, "routes.auto.rules[2]");
  EXPECT_EQ(candidateNames(long_chat), (std::vector<std::string>{"mini", "sonnet"}));
  EXPECT_EQ(short_code.trace.rules[2].detail, "prompt_tokens=4000 is not > 4000");
}

TEST(RulesPolicy, HeaderConditionIgnoresNameCase) {
  const auto config = loadRoutes(kAutoRoute);
  analyze::Features features;

  const Plan research = planFor(*config, "auto", {&features, nullptr, headersFrom({{"x-team", "research"}}), {}});
  const Plan sales = planFor(*config, "auto", {&features, nullptr, headersFrom({{"x-team", "sales"}}), {}});

  EXPECT_EQ(candidateNames(research), std::vector<std::string>{"sonnet"});
  EXPECT_EQ(research.trace.decided_by, "routes.auto.rules[3]");
  EXPECT_NE(sales.trace.decided_by, "routes.auto.rules[3]");
  // A header value that matched no configured value is not copied into the trace.
  EXPECT_EQ(sales.trace.rules[3].detail, "header.x-team=(not shown) is not one of research");
}

TEST(RulesPolicy, KeyLabelCondition) {
  const auto config = loadRoutes(kAutoRoute);
  analyze::Features features;
  const std::map<std::string, std::string> labels{{"env", "staging"}};
  PrincipalView principal;
  principal.labels = &labels;

  const Plan plan = planFor(*config, "auto", {&features, &principal, {}, {}});

  EXPECT_EQ(candidateNames(plan), (std::vector<std::string>{"local2", "local"}));
}

TEST(RulesPolicy, RequestFieldNumericCondition) {
  const auto config = loadRoutes(kAutoRoute);
  analyze::Features features;
  features.complexity = 0.9;

  const Plan hot = planFor(*config, "auto", {&features, nullptr, {}, R"({"model":"auto","temperature":1.7})"});
  const Plan cool = planFor(*config, "auto", {&features, nullptr, {}, R"({"model":"auto","temperature":0.2})"});
  const Plan unset = planFor(*config, "auto", {&features, nullptr, {}, R"({"model":"auto"})"});

  EXPECT_EQ(candidateNames(hot), std::vector<std::string>{"local"});
  EXPECT_EQ(candidateNames(cool).front(), "sonnet");
  EXPECT_EQ(candidateNames(unset).front(), "sonnet");
}

TEST(RulesPolicy, OtherwiseDecidesWhenNoRuleMatches) {
  const auto config = loadRoutes(kAutoRoute);
  analyze::Features features;
  features.complexity = 0.71;

  const Plan plan = planFor(*config, "auto", {&features, nullptr, {}, {}});

  EXPECT_EQ(candidateNames(plan), (std::vector<std::string>{"sonnet", "mini"}));
  EXPECT_EQ(plan.decision, "route=auto rule=otherwise policy=learned score=0.71>=0.60 -> sonnet");
  EXPECT_EQ(plan.trace.decided_by, "routes.auto.otherwise");
  EXPECT_EQ(plan.trace.rules.size(), 7u);
}

TEST(RulesPolicy, NoMatchWithoutOtherwiseIs503) {
  const auto config = loadRoutes(R"(
routes:
  picky:
    rules:
      - { when: { task: code }, use: [sonnet] }
)");
  analyze::Features features;

  const auto result = resolvePlan(*config, "picky", RouteInput{&features, nullptr, {}, {}});

  ASSERT_TRUE(std::holds_alternative<api::ApiError>(result));
  const auto& error = std::get<api::ApiError>(result);
  EXPECT_EQ(error.status, 503u);
  EXPECT_EQ(error.code, "no_matching_rule");
}

TEST(RulesPolicy, PolicyThatDoesNotMatchFallsThrough) {
  const auto config = loadRoutes(R"(
routes:
  auto:
    rules:
      - { when: {}, tier: { premium: [sonnet] } }
    otherwise: { use: [mini] }
)");
  analyze::Features features;
  PrincipalView principal;
  principal.tier = "free";

  const Plan plan = planFor(*config, "auto", {&features, &principal, {}, {}});

  EXPECT_EQ(candidateNames(plan), std::vector<std::string>{"mini"});
  ASSERT_FALSE(plan.trace.rules.empty());
  EXPECT_FALSE(plan.trace.rules[0].matched);
  EXPECT_EQ(plan.trace.rules[0].detail, "no conditions; tier=free not listed and no default");
}

TEST(RulesPolicy, TraceJsonNamesInputsAndCandidates) {
  const auto config = loadRoutes(kAutoRoute);
  analyze::Features features;
  features.task = analyze::TaskType::Math;
  features.estimated_prompt_tokens = 5000;

  const Plan plan = planFor(*config, "auto", {&features, nullptr, {}, {}});
  const nlohmann::json trace = plan.trace.toJson();

  EXPECT_EQ(trace["inputs"]["task"], "math");
  EXPECT_EQ(trace["inputs"]["prompt_tokens"], "5000");
  EXPECT_EQ(trace["candidates"], nlohmann::json::array({"sonnet", "mini"}));
  EXPECT_EQ(trace["decided_by"], "routes.auto.rules[2]");
  EXPECT_EQ(trace["rules"].size(), 3u);
}

TEST(RulesPolicy, UseRouteKeepsItsDecisionLine) {
  const auto config = loadRoutes("routes:\n  fast: { use: [mini, sonnet] }\n");

  const Plan plan = planFor(*config, "fast", {});

  EXPECT_EQ(candidateNames(plan), (std::vector<std::string>{"mini", "sonnet"}));
  EXPECT_EQ(plan.decision, "route=fast policy=use");
  EXPECT_EQ(plan.strategy, ExecutionStrategy::SingleWithFailover);
}

}  // namespace
}  // namespace pointsman::route
