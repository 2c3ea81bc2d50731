// The analyzers' models on the live request path: a real gateway loads the shipped task
// classifier, name gazetteer and learned router from `analyzers:`, and rules on task, PII,
// complexity and semantic matches choose the deployment that the response headers name.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"

#include <string>

namespace pointsman::test {
namespace {

const std::string kModels = std::string(POINTSMAN_SOURCE_DIR) + "/models/";

class AnalyzerRouting : public GatewayTest {
 protected:
  void TearDown() override {
    onPremises_.stop();
    GatewayTest::TearDown();
  }

  /// Builds the default config with the shipped models, an on-premises provider (deployment `local`)
  /// and `routeEntries` appended under `routes:`.
  std::string configWithModels(const std::string& routeEntries) {
    ConfigBuilder config = defaultConfig();
    config.provider("onprem", onPremises_.baseUrl(), "tags: [on_premises], timeouts: { connect_ms: 1000 }")
        .deployment("local", "onprem", "local-model", "context: 32000");
    const std::string analyzers = "analyzers:\n  task_classifier: " + kModels + "task_classifier.json\n" +
                                  "  person_names: " + kModels + "person_names.tsv\n" +
                                  "  learned_router: " + kModels + "learned-router.json\n";
    // The default config ends with its `routes:` block, so the entries are appended to it.
    return analyzers + config.yaml() + routeEntries;
  }

  static std::string chatSaying(const std::string& model, const std::string& content) {
    return nlohmann::json{{"model", model}, {"messages", {{{"role", "user"}, {"content", content}}}}}.dump();
  }

  HttpResponse explain(const std::string& body) {
    return post(gateway_->adminPort(), "/admin/explain", body, {}, kWait);
  }

  MockUpstream onPremises_;
};

// A long prompt that requests careful multi-step work, which the learned router scores high.
std::string longHardPrompt() {
  std::string prompt =
      "You are given the following specification of a distributed consensus protocol. Prove that it "
      "guarantees linearizability under network partitions, identify every race condition between the "
      "leader election and log replication phases, and write a formal TLA+ model with invariants.\n";
  for (int step = 0; step < 40; ++step) {
    prompt += "Step " + std::to_string(step) +
              ": a replica receives an append request with a term number, compares it with its current term, "
              "persists the entries, and acknowledges only after fsync; explain the failure modes.\n";
  }
  return prompt;
}

TEST_F(AnalyzerRouting, PersonNameAndEmailStayOnPremises) {
  startGateway(configWithModels(R"(
  private:
    rules:
      - { when: { pii: any }, use: [local], on_premises_only: true }
    otherwise: { use: [mini] }
)"));

  HttpResponse name = postChat(chatSaying("private", "Please draft a birthday note for Maria Gonzalez."));
  HttpResponse email = postChat(chatSaying("private", "Forward the invoice to jordan.lee@example.org today."));
  HttpResponse plain = postChat(chatSaying("private", "Draft a birthday note for a colleague."));

  ASSERT_EQ(name.status, 200) << name.body;
  EXPECT_EQ(name.header("x-pointsman-deployment"), "local");
  ASSERT_EQ(email.status, 200) << email.body;
  EXPECT_EQ(email.header("x-pointsman-deployment"), "local");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(onPremises_.requestCount(), 2u);
  EXPECT_EQ(primary_.requestCount(), 1u);
}

TEST_F(AnalyzerRouting, TaskRuleRoutesCodeAndMath) {
  startGateway(configWithModels(R"(
  tasks:
    rules:
      - { when: { task: [code, math] }, use: [backup-mini] }
    otherwise: { use: [mini] }
)"));

  HttpResponse code = postChat(chatSaying(
      "tasks", "Write a Python function that returns the longest palindromic substring of a string, with tests."));
  HttpResponse math = postChat(chatSaying("tasks", "Solve for x: 3x + 7 = 22. Show each step of the algebra."));
  HttpResponse chat = postChat(chatSaying("tasks", "Hi there, how are you doing today?"));

  ASSERT_EQ(code.status, 200) << code.body;
  EXPECT_EQ(code.header("x-pointsman-deployment"), "backup-mini") << code.header("x-pointsman-decision");
  ASSERT_EQ(math.status, 200) << math.body;
  EXPECT_EQ(math.header("x-pointsman-deployment"), "backup-mini") << math.header("x-pointsman-decision");
  ASSERT_EQ(chat.status, 200) << chat.body;
  EXPECT_EQ(chat.header("x-pointsman-deployment"), "mini") << chat.header("x-pointsman-decision");
}

TEST_F(AnalyzerRouting, LearnedRouteSendsHardPromptToStrong) {
  startGateway(configWithModels(R"(
  learned:
    learned: { strong: mini, weak: backup-mini, threshold: 0.3 }
)"));

  HttpResponse hard = postChat(chatSaying("learned", longHardPrompt()));
  HttpResponse easy = postChat(chatSaying("learned", "hi"));

  ASSERT_EQ(hard.status, 200) << hard.body;
  EXPECT_EQ(hard.header("x-pointsman-deployment"), "mini") << hard.header("x-pointsman-decision");
  ASSERT_EQ(easy.status, 200) << easy.body;
  EXPECT_EQ(easy.header("x-pointsman-deployment"), "backup-mini") << easy.header("x-pointsman-decision");
  EXPECT_NE(easy.header("x-pointsman-decision").find("score="), std::string::npos)
      << easy.header("x-pointsman-decision");
}

TEST_F(AnalyzerRouting, SemanticRouteMatchesOrFallsThrough) {
  startGateway(configWithModels(R"(
  support:
    rules:
      - semantic:
          threshold: 0.5
          routes:
            billing: { examples: ["refund my last invoice", "why was my card charged twice"], use: [backup-mini] }
            shipping: { examples: ["where is my parcel", "track my delivery"], use: [local] }
    otherwise: { use: [mini] }
)"));

  HttpResponse billing = postChat(chatSaying("support", "why was my card charged twice"));
  HttpResponse unrelated = postChat(chatSaying("support", "Compose a sonnet about autumn leaves."));

  ASSERT_EQ(billing.status, 200) << billing.body;
  EXPECT_EQ(billing.header("x-pointsman-deployment"), "backup-mini") << billing.header("x-pointsman-decision");
  ASSERT_EQ(unrelated.status, 200) << unrelated.body;
  EXPECT_EQ(unrelated.header("x-pointsman-deployment"), "mini") << unrelated.header("x-pointsman-decision");
  EXPECT_EQ(onPremises_.requestCount(), 0u);
}

TEST_F(AnalyzerRouting, ExplainShowsSameFeaturesAsRequest) {
  startGateway(configWithModels(R"(
  auto:
    rules:
      - { when: { pii: any }, use: [local], on_premises_only: true }
      - { when: { task: code }, use: [backup-mini] }
    otherwise: { learned: { strong: mini, weak: backup-mini, threshold: 0.3 } }
)"));
  const std::string named = chatSaying("auto", "Ask Dr. Helena Marsh to review the contract.");
  const std::string hard = chatSaying("auto", longHardPrompt());

  HttpResponse named_explained = explain(named);
  HttpResponse named_sent = postChat(named);
  HttpResponse hard_explained = explain(hard);
  HttpResponse hard_sent = postChat(hard);

  ASSERT_EQ(named_explained.status, 200) << named_explained.body;
  const nlohmann::json named_features = named_explained.json()["features"];
  EXPECT_NE(named_features["pii"].dump().find("person_name"), std::string::npos) << named_features.dump();
  ASSERT_EQ(named_sent.status, 200) << named_sent.body;
  EXPECT_EQ(named_explained.json()["plan"]["decision"], named_sent.header("x-pointsman-decision"));
  EXPECT_EQ(named_sent.header("x-pointsman-deployment"), "local");

  ASSERT_EQ(hard_explained.status, 200) << hard_explained.body;
  const nlohmann::json hard_features = hard_explained.json()["features"];
  ASSERT_TRUE(hard_features["complexity"].is_number()) << hard_features.dump();
  ASSERT_EQ(hard_sent.status, 200) << hard_sent.body;
  EXPECT_EQ(hard_explained.json()["plan"]["decision"], hard_sent.header("x-pointsman-decision"));
}

TEST_F(AnalyzerRouting, MissingModelFileStopsStart) {
  const std::string config =
      "analyzers:\n  task_classifier: " + kModels + "no-such-model.json\n" + defaultConfig().yaml();

  EXPECT_THROW(startGateway(config), std::exception);
}

}  // namespace
}  // namespace pointsman::test
