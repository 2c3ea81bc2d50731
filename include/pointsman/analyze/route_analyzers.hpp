#pragma once

#include <pointsman/analyze/analyzers.hpp>
#include <pointsman/analyze/answer_scorer.hpp>
#include <pointsman/analyze/drift_reference.hpp>
#include <pointsman/analyze/learned_router.hpp>
#include <pointsman/analyze/semantic_embedded_examples.hpp>
#include <pointsman/analyze/semantic_router.hpp>
#include <pointsman/config/config.hpp>
#include <pointsman/config/loader.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pointsman::analyze {

/// A model file of `analyzers:` that could not be loaded, with the config key that names it.
class AnalyzerLoadError : public std::runtime_error {
 public:
  AnalyzerLoadError(std::string key_path, const std::string& message)
      : std::runtime_error(message), key_path_(std::move(key_path)) {}

  /// The YAML path of the key, e.g. "analyzers.task_classifier".
  const std::string& keyPath() const { return key_path_; }

 private:
  std::string key_path_;
};

/// The analyzer models of one config snapshot and what each route asks of them: the task
/// classifier and PII detector for every request, the learned router's score for routes that
/// read `complexity`, one semantic router per route with `semantic:` examples (or its examples
/// for an embeddings deployment to encode), and the answer scorer of cascades with `min_score`. Built once per snapshot, then only read, so every worker
/// thread shares one instance.
class RouteAnalyzers {
 public:
  /// Loads the files that `config.analyzers` names and builds the semantic routers. Throws
  /// AnalyzerLoadError naming the key and the file when one is missing or malformed.
  static std::shared_ptr<const RouteAnalyzers> load(const config::Config& config);

  /// Runs every analyzer on a request sent to `route`. `complexity` is filled only when the
  /// route reads it and a learned router is loaded, `semantic` only when the route has examples
  /// for the built-in encoder. A route whose examples an embeddings deployment encodes gets
  /// `semantic` from the app module, which calls that deployment.
  Features analyze(const ChatRequest& request, std::string_view route) const;

  /// Extracts and analyzes a chat completions body; nothing when it is not a JSON object.
  std::optional<Features> analyzeBody(std::string_view chat_request_body, std::string_view route) const;

  /// Null when `analyzers.learned_router` is not set.
  const LearnedRouter* learnedRouter() const { return learned_ ? &*learned_ : nullptr; }
  /// Null when `analyzers.answer_scorer` is not set.
  const AnswerScorer* answerScorer() const { return answer_scorer_ ? &*answer_scorer_ : nullptr; }
  /// The learned router's training distributions; empty without a learned router, with
  /// `drift.reference: first_window`, or for a model file that records none.
  const TrainingReference& trainingReference() const { return training_reference_; }
  /// True when `route` has a `learned` policy or a `complexity` condition.
  bool readsComplexity(std::string_view route) const { return complexity_routes_.contains(route); }
  /// The semantic router of `route`, or null when the route has no `semantic:` examples or an
  /// embeddings deployment encodes them.
  const SemanticRouter* semanticRouter(std::string_view route) const;
  /// The examples of `route` for its `semantic.encoder` deployment, or null when the route has
  /// no such encoder.
  const EmbeddedExamples* embeddedExamples(std::string_view route) const;

 private:
  Analyzers base_;
  std::optional<LearnedRouter> learned_;
  std::optional<AnswerScorer> answer_scorer_;
  TrainingReference training_reference_;
  std::set<std::string, std::less<>> complexity_routes_;
  std::map<std::string, SemanticRouter, std::less<>> semantic_routes_;
  std::map<std::string, EmbeddedExamples, std::less<>> embedded_routes_;
};

/// The text that the learned and semantic routers read from a chat request: the last user
/// message, or every message when there is no user message.
std::string routingText(const ChatRequest& request);

/// Analyzes a chat completions body sent to `route` with the models of `config`'s snapshot, or
/// without models when it has none loaded (a config built in code). Empty features when the
/// body is not a JSON object.
Features analyzeForRoute(const config::Config& config, std::string_view route, std::string_view chat_request_body);

/// Loads the analyzer models of a valid `result` and stores them in its config as
/// `loaded_analyzers`. A file that fails to load becomes a config error at its key, and then
/// `result.config` is reset, as for any other config error.
void loadRouteAnalyzers(config::LoadResult& result);

}  // namespace pointsman::analyze
