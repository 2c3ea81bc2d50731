#include <pointsman/analyze/route_analyzers.hpp>
#include <pointsman/config/loader.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace pointsman::analyze {
namespace {

const std::filesystem::path kModels = std::filesystem::path(__FILE__).parent_path() / "../../../models";

/// Builds a config with two deployments and `routes` appended under `routes:`, whose `analyzers:`
/// section is `analyzers` (model paths relative to the repository's models folder).
std::string configYaml(const std::string& analyzers, const std::string& routes) {
  return R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:9/v1" }
models:
  strong: { provider: sim }
  weak: { provider: sim }
analyzers:
)" + analyzers + "\nroutes:\n" + routes;
}

const std::string kAllModels = R"(
  task_classifier: task_classifier.json
  person_names: person_names.tsv
  learned_router: learned-router.json
)";

/// Loads `yaml` as if it were a file in the models folder, so relative paths resolve there.
config::LoadResult loadWithAnalyzers(const std::string& yaml) {
  auto result = config::loadConfigText(yaml, (kModels / "config.yaml").string());
  loadRouteAnalyzers(result);
  return result;
}

std::string chat(const std::string& model, const std::string& content) {
  return R"({"model":")" + model + R"(","messages":[{"role":"user","content":")" + content + R"("}]})";
}

TEST(RouteAnalyzers, RelativePathsResolveAgainstConfigFolder) {
  const auto result = loadWithAnalyzers(configYaml(kAllModels, "  plain: { use: [weak] }\n"));

  ASSERT_TRUE(result.ok()) << result.errors.front().toString();
  const auto& analyzers = result.config->analyzers;
  EXPECT_EQ(analyzers.task_classifier, (kModels / "task_classifier.json").lexically_normal().string());
  EXPECT_EQ(analyzers.learned_router, (kModels / "learned-router.json").lexically_normal().string());
  ASSERT_NE(result.config->loaded_analyzers, nullptr);
  EXPECT_NE(result.config->loaded_analyzers->learnedRouter(), nullptr);
}

TEST(RouteAnalyzers, MissingModelFileIsConfigErrorNamingPath) {
  const auto result = loadWithAnalyzers(configYaml("  task_classifier: no-such-model.json\n", "  plain: { use: [weak] }\n"));

  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.config, nullptr);
  EXPECT_EQ(result.errors.front().path, "analyzers.task_classifier");
  EXPECT_NE(result.errors.front().message.find("no-such-model.json"), std::string::npos)
      << result.errors.front().message;
}

TEST(RouteAnalyzers, MalformedModelFileIsConfigError) {
  // The gazetteer is not a learned-router model.
  const auto result = loadWithAnalyzers(configYaml("  learned_router: person_names.tsv\n", "  plain: { use: [weak] }\n"));

  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors.front().path, "analyzers.learned_router");
}

TEST(RouteAnalyzers, UnknownDriftReferenceIsConfigError) {
  const auto result =
      loadWithAnalyzers(configYaml("  drift: { reference: yesterday }\n", "  plain: { use: [weak] }\n"));

  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors.front().path, "analyzers.drift.reference");
}

TEST(RouteAnalyzers, ComplexityOnlyForRoutesThatReadIt) {
  const auto result = loadWithAnalyzers(configYaml(kAllModels, R"(
  learned: { learned: { strong: strong, weak: weak } }
  ruled:
    rules:
      - { when: { complexity: { gte: 0.9 } }, use: [strong] }
    otherwise: { use: [weak] }
  tasks:
    rules:
      - { when: { task: code }, use: [strong] }
    otherwise: { use: [weak] }
)"));
  ASSERT_TRUE(result.ok()) << result.errors.front().toString();
  const auto& analyzers = *result.config->loaded_analyzers;
  const std::string body = chat("x", "Write a Python function that merges two sorted lists.");

  const auto learned = analyzers.analyzeBody(body, "learned");
  const auto ruled = analyzers.analyzeBody(body, "ruled");
  const auto tasks = analyzers.analyzeBody(body, "tasks");

  ASSERT_TRUE(learned.has_value());
  ASSERT_TRUE(ruled.has_value());
  ASSERT_TRUE(tasks.has_value());
  ASSERT_TRUE(learned->complexity.has_value());
  EXPECT_GE(*learned->complexity, 0.0);
  EXPECT_LE(*learned->complexity, 1.0);
  EXPECT_TRUE(ruled->complexity.has_value());
  EXPECT_FALSE(tasks->complexity.has_value());
  EXPECT_EQ(tasks->task, TaskType::Code);
}

// The same long prompt as the gateway test of the learned route.
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

TEST(RouteAnalyzers, LongHardPromptScoresAboveGreeting) {
  const auto result = loadWithAnalyzers(configYaml(kAllModels, "  learned: { learned: { strong: strong, weak: weak } }\n"));
  ASSERT_TRUE(result.ok()) << result.errors.front().toString();
  const LearnedRouter& router = *result.config->loaded_analyzers->learnedRouter();

  const double hard = router.score(longHardPrompt());
  const double greeting = router.score("hi");

  // The gateway test of the learned route uses threshold 0.3 between these two.
  EXPECT_GT(hard, 0.3) << "greeting " << greeting;
  EXPECT_LT(greeting, 0.3) << "hard " << hard;
}

TEST(RouteAnalyzers, DriftReferenceComesFromTraining) {
  const auto training = loadWithAnalyzers(configYaml(kAllModels, "  plain: { use: [weak] }\n"));
  const auto first_window = loadWithAnalyzers(
      configYaml(kAllModels + "  drift: { reference: first_window, window: 500, threshold: 0.3 }\n", "  plain: { use: [weak] }\n"));
  ASSERT_TRUE(training.ok()) << training.errors.front().toString();
  ASSERT_TRUE(first_window.ok()) << first_window.errors.front().toString();

  const auto specs = driftFeaturesFor(*training.config);
  const auto& tokens = specs[static_cast<std::size_t>(telemetry::DriftFeature::PromptTokens)].reference;
  const auto& complexity = specs[static_cast<std::size_t>(telemetry::DriftFeature::Complexity)].reference;
  const auto& task = specs[static_cast<std::size_t>(telemetry::DriftFeature::Task)].reference;
  double token_total = 0;
  for (const double share : tokens) token_total += share;

  ASSERT_EQ(tokens.size(), 10u);
  EXPECT_NEAR(token_total, 1.0, 1e-9);
  EXPECT_EQ(complexity.size(), 10u);
  EXPECT_TRUE(task.empty());
  for (const auto& spec : driftFeaturesFor(*first_window.config)) EXPECT_TRUE(spec.reference.empty()) << spec.name;
  EXPECT_EQ(driftOptionsFor(*first_window.config).window, 500u);
  EXPECT_DOUBLE_EQ(driftOptionsFor(*first_window.config).warn_threshold, 0.3);
}

TEST(RouteAnalyzers, LoadedModelsFindNamesAndTasks) {
  const auto result = loadWithAnalyzers(configYaml(kAllModels, "  plain: { use: [weak] }\n"));
  ASSERT_TRUE(result.ok()) << result.errors.front().toString();

  const Features features = analyzeForRoute(*result.config, "plain", chat("plain", "Please call Maria Gonzalez tomorrow."));
  const Features math = analyzeForRoute(*result.config, "plain", chat("plain", "Solve for x: 3x + 7 = 22."));

  EXPECT_TRUE(features.pii.test(static_cast<std::size_t>(PiiKind::PersonName)));
  EXPECT_EQ(math.task, TaskType::Math);
}

TEST(RouteAnalyzers, SemanticMatchOnlyOnRouteWithExamples) {
  const auto result = loadWithAnalyzers(configYaml("", R"(
  support:
    semantic:
      threshold: 0.4
      routes:
        billing: { examples: ["refund my last invoice", "why was my card charged twice"], use: [strong] }
        shipping: { examples: ["where is my parcel", "track my delivery"], use: [weak] }
  plain: { otherwise: { use: [weak] } }
)"));
  ASSERT_TRUE(result.ok()) << result.errors.front().toString();

  const Features support = analyzeForRoute(*result.config, "support", chat("support", "my card was charged twice"));
  const Features plain = analyzeForRoute(*result.config, "plain", chat("plain", "my card was charged twice"));

  ASSERT_TRUE(support.semantic.has_value());
  EXPECT_EQ(support.semantic->route, "billing");
  EXPECT_GT(support.semantic->similarity, 0.4);
  EXPECT_FALSE(plain.semantic.has_value());
}

TEST(RouteAnalyzers, EncoderRouteKeepsExamplesForTheDeployment) {
  const auto yaml = configYaml("", R"(
  support:
    semantic:
      encoder: { deployment: embed, dimensions: 64 }
      routes:
        billing: { examples: ["refund my last invoice"], use: [strong] }
        shipping: { examples: ["where is my parcel", "track my delivery"], use: [weak] }
)");
  // configYaml() has no embeddings deployment, so one is added under `models:`.
  const auto with_embed = std::string(yaml).insert(yaml.find("  weak:"), "  embed: { provider: sim, capabilities: [embeddings] }\n");
  const auto result = loadWithAnalyzers(with_embed);
  ASSERT_TRUE(result.ok()) << result.errors.front().toString();
  const auto& analyzers = *result.config->loaded_analyzers;

  const EmbeddedExamples* examples = analyzers.embeddedExamples("support");
  const Features features = analyzeForRoute(*result.config, "support", chat("support", "where is my parcel"));

  ASSERT_NE(examples, nullptr);
  EXPECT_EQ(analyzers.semanticRouter("support"), nullptr);
  EXPECT_EQ(examples->encoder().deployment, "embed");
  EXPECT_EQ(examples->texts(), (std::vector<std::string>{"refund my last invoice", "where is my parcel", "track my delivery"}));
  // Outside the request path nothing calls the deployment, and the features say so.
  EXPECT_FALSE(features.semantic.has_value());
  EXPECT_FALSE(features.semantic_unavailable.empty());
}

TEST(RouteAnalyzers, AnswerScorerLoadsFromItsKey) {
  const auto result = loadWithAnalyzers(configYaml("  answer_scorer: answer-scorer.json\n", "  plain: { use: [weak] }\n"));
  ASSERT_TRUE(result.ok()) << result.errors.front().toString();

  const AnswerScorer* scorer = result.config->loaded_analyzers->answerScorer();

  ASSERT_NE(scorer, nullptr);
  const double score = scorer->score("What is 2 + 2?", "2 + 2 = 4.", "gemini-2.0-flash-001");
  EXPECT_GE(score, 0.0);
  EXPECT_LE(score, 1.0);
}

TEST(RouteAnalyzers, MissingAnswerScorerFileIsConfigError) {
  const auto result = loadWithAnalyzers(configYaml("  answer_scorer: no-such-scorer.json\n", "  plain: { use: [weak] }\n"));

  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors.front().path, "analyzers.answer_scorer");
}

TEST(RouteAnalyzers, ConfigWithoutLoadedModelsStillAnalyzes) {
  config::Config config;

  const Features features = analyzeForRoute(config, "any", chat("any", "Mail bob@example.com"));

  EXPECT_TRUE(features.pii.test(static_cast<std::size_t>(PiiKind::Email)));
  EXPECT_EQ(features.task, TaskType::Chat);
  EXPECT_FALSE(features.complexity.has_value());
}

}  // namespace
}  // namespace pointsman::analyze
