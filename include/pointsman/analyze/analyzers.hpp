#pragma once

#include <pointsman/analyze/chat_request.hpp>
#include <pointsman/analyze/features.hpp>
#include <pointsman/analyze/pii_detector.hpp>
#include <pointsman/analyze/task_classifier.hpp>

#include <filesystem>
#include <optional>
#include <string_view>

namespace pointsman::analyze {

/// The model files the analyzers load. The gateway reads them from `analyzers:` in the config
/// (analyze::RouteAnalyzers::load); tests and benchmarks name them here directly.
struct AnalyzerFiles {
  /// The task classifier's weights, e.g. models/task_classifier.json.
  std::filesystem::path task_classifier;
  /// The person-name gazetteer, e.g. models/person_names.tsv; empty to skip person names.
  std::filesystem::path person_names;
};

/// The loaded analyzer models. Built once per config and then only read, so every worker thread
/// shares one instance.
struct Analyzers {
  TaskClassifier task;
  PiiDetector pii;

  /// Loads both files. Throws std::runtime_error naming the file on a missing or malformed one.
  static Analyzers load(const AnalyzerFiles& files);
};

/// Runs every analyzer on an extracted request: token estimates, turns, the task type of the
/// last user message and the PII kinds of all messages. `complexity` and `semantic` stay empty,
/// as other modules fill them.
Features analyze(const ChatRequest& request, const Analyzers& analyzers);

/// Extracts and analyzes a chat completions body. Returns nothing when `body` is not a JSON
/// object. The api module has already rejected such a request with 400 before it gets here.
std::optional<Features> analyzeRequest(std::string_view chat_request_body, const Analyzers& analyzers);

}  // namespace pointsman::analyze
