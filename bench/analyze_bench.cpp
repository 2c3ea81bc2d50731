// The analyzers on a chat request of about 4,000 prompt tokens, on one thread. JSON parsing is
// outside the timed loop: the request is extracted once, and each iteration runs `analyze`.
//
//   cd build-analyze && bench/pointsman_benchmarks --benchmark_filter=Analyze
//
// Run it from the build folder: kModels follows __FILE__, which the compiler cache may make
// relative to that folder.
#include <pointsman/analyze/analyzers.hpp>
#include <pointsman/analyze/route_analyzers.hpp>
#include <pointsman/analyze/token_estimator.hpp>
#include <pointsman/config/loader.hpp>
#include <pointsman/route/route_resolver.hpp>

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

namespace pointsman::analyze {
namespace {

const std::filesystem::path kModels = std::filesystem::path(__FILE__).parent_path() / "../models";

const Analyzers& benchAnalyzers() {
  static const Analyzers analyzers =
      Analyzers::load({kModels / "task_classifier.json", kModels / "person_names.tsv"});
  return analyzers;
}

// Prose with names, numbers, code and one email address, repeated with a counter until the
// estimate passes 4,000 tokens, as a long retrieval-augmented prompt would look.
ChatRequest longChatRequest() {
  const std::string paragraph =
      "The quarterly report prepared by Helena Marsh covers revenue of 4,218,000 USD across 37 regions. "
      "Growth in the northern division was driven by the new logistics contract signed on 2024-03-14, "
      "while the southern division lost two major customers. Contact the finance team at "
      "finance-reports@example.com for the detailed tables.\n"
      "```python\ndef total(rows):\n    return sum(row.amount for row in rows if row.region != 'test')\n```\n"
      "Analysts expect the margin to recover when the warehouse automation project completes in Q3.\n\n";
  ChatRequest request;
  request.messages.push_back({MessageRole::System, "You are a careful financial analyst. Answer in plain English."});
  request.messages.push_back({MessageRole::User, "Here are the documents you need."});
  request.messages.push_back({MessageRole::Assistant, "Thanks, please send the question."});
  std::string context;
  for (int part = 0; estimateTokens(context) < 3900; ++part) {
    context += "Document " + std::to_string(part) + ". " + paragraph;
  }
  request.messages.push_back({MessageRole::User, context + "Summarize the main risks in five bullet points."});
  return request;
}

void BM_AnalyzeChatRequest4kTokens(benchmark::State& state) {
  const Analyzers& analyzers = benchAnalyzers();
  const ChatRequest request = longChatRequest();
  for (auto _ : state) benchmark::DoNotOptimize(analyze(request, analyzers));
  state.counters["prompt_tokens"] = static_cast<double>(estimatePromptTokens(request));
  state.counters["bytes"] = static_cast<double>(request.messages.back().text.size());
}
BENCHMARK(BM_AnalyzeChatRequest4kTokens)->Unit(benchmark::kMicrosecond);

void BM_EstimatePromptTokens4k(benchmark::State& state) {
  const ChatRequest request = longChatRequest();
  for (auto _ : state) benchmark::DoNotOptimize(estimatePromptTokens(request));
}
BENCHMARK(BM_EstimatePromptTokens4k)->Unit(benchmark::kMicrosecond);

void BM_FindPii4k(benchmark::State& state) {
  const Analyzers& analyzers = benchAnalyzers();
  const ChatRequest request = longChatRequest();
  for (auto _ : state) benchmark::DoNotOptimize(analyzers.pii.findKinds(request.messages.back().text));
}
BENCHMARK(BM_FindPii4k)->Unit(benchmark::kMicrosecond);

void BM_ClassifyTask4k(benchmark::State& state) {
  const Analyzers& analyzers = benchAnalyzers();
  const ChatRequest request = longChatRequest();
  for (auto _ : state) benchmark::DoNotOptimize(analyzers.task.classify(request.messages.back().text));
}
BENCHMARK(BM_ClassifyTask4k)->Unit(benchmark::kMicrosecond);

void BM_LearnedScore4k(benchmark::State& state) {
  static const LearnedRouter router = LearnedRouter::load(kModels / "learned-router.json");
  const ChatRequest request = longChatRequest();
  for (auto _ : state) benchmark::DoNotOptimize(router.score(request.messages.back().text));
}
BENCHMARK(BM_LearnedScore4k)->Unit(benchmark::kMicrosecond);

// A route that reads every analyzer: PII and task rules, a complexity condition, a semantic
// policy and a learned `otherwise`, with the shipped models, as `analyzers:` would load them.
// It has every condition of the `auto` route in config/pointsman.yaml, and the request matches
// none of its rules, so each iteration evaluates them all before the learned policy decides.
std::shared_ptr<const config::Config> routedConfig() {
  const std::string yaml = R"(
analyzers:
  task_classifier: )" + (kModels / "task_classifier.json").string() + R"(
  person_names: )" + (kModels / "person_names.tsv").string() + R"(
  learned_router: )" + (kModels / "learned-router.json").string() + R"(
providers:
  cloud: { type: openai, base_url: "http://127.0.0.1:9/v1" }
  onprem: { type: openai, base_url: "http://127.0.0.1:9/v1", tags: [on_premises] }
models:
  strong: { provider: cloud, context: 128000 }
  weak: { provider: cloud, context: 128000 }
  local: { provider: onprem, context: 32000 }
routes:
  auto:
    rules:
      - { when: { pii: [payment_card, iban, us_ssn, secret] }, use: [local], on_premises_only: true }
      - { when: { task: [code, math], prompt_tokens: { gt: 8000 } }, use: [strong] }
      - { when: { complexity: { gte: 0.95 } }, use: [strong] }
      - { when: { header: { x-team: research } }, use: [strong] }
      - semantic:
          threshold: 0.6
          routes:
            billing: { examples: ["refund my last invoice", "why was my card charged twice"], use: [weak] }
            legal: { examples: ["review this contract clause", "is this agreement enforceable"], use: [strong] }
    otherwise: { learned: { strong: strong, weak: weak, threshold: 0.5 } }
)";
  auto result = config::loadConfigText(yaml, "bench.yaml");
  loadRouteAnalyzers(result);
  if (!result.ok()) throw std::runtime_error("bench config: " + result.errors.front().toString());
  return result.config;
}

// Everything the gateway does between parsing a request and calling the upstream: all
// analyzers (tokens, task, PII, learned score, semantic match) and the rule evaluation.
void BM_AnalyzeAndRoute4kTokens(benchmark::State& state) {
  const auto config = routedConfig();
  const RouteAnalyzers& analyzers = *config->loaded_analyzers;
  const ChatRequest request = longChatRequest();
  for (auto _ : state) {
    const Features features = analyzers.analyze(request, "auto");
    const route::RouteInput input{&features, nullptr, {}, {}};
    benchmark::DoNotOptimize(route::resolvePlan(*config, "auto", input));
  }
  const Features features = analyzers.analyze(request, "auto");
  state.counters["prompt_tokens"] = static_cast<double>(features.estimated_prompt_tokens);
  state.counters["complexity"] = features.complexity.value_or(-1);
}
BENCHMARK(BM_AnalyzeAndRoute4kTokens)->Unit(benchmark::kMicrosecond);

// Parsing included, for comparison: what a caller pays when it has not parsed the body yet.
void BM_ExtractChatRequest4k(benchmark::State& state) {
  const ChatRequest request = longChatRequest();
  std::string escaped;
  for (const char c : request.messages.back().text) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped.push_back(c);
  }
  const std::string body = R"({"model":"auto","messages":[{"role":"user","content":")" + escaped + "\"}]}";
  for (auto _ : state) benchmark::DoNotOptimize(extractChatRequest(body));
}
BENCHMARK(BM_ExtractChatRequest4k)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pointsman::analyze
