#pragma once

// The `analyzers:` section: the model files the request analyzers load and the settings of
// feature drift monitoring. The loader only reads the paths. The analyze module loads the files
// (analyze::loadRouteAnalyzers), because the config module does not link the models.

#include <cstddef>
#include <string>

namespace pointsman::config {

/// The source of the drift monitor's reference distributions.
enum class DriftReference {
  /// The learned router's training set where its model file records one, else the first window.
  Training,
  /// The first full window of live traffic after start.
  FirstWindow,
};

/// `analyzers.drift:` — feature drift monitoring. Read at start only: a reload keeps the running
/// monitor.
struct DriftConfig {
  /// `window`: requests in the sliding live window, >= 10. Default 1000.
  std::size_t window = 1000;
  /// `threshold`: the population stability index above which a warning is logged. Default 0.2,
  /// the usual mark of a significant shift.
  double threshold = 0.2;
  /// `reference`: `training` or `first_window`. Default `training`.
  DriftReference reference = DriftReference::Training;
};

/// `analyzers:` — model files, each an absolute path or one relative to the config file's folder
/// (the loader stores it resolved). An empty path turns that model off: without a task classifier
/// every task reads as chat, without a gazetteer person names are not found, without a learned
/// router `complexity` stays empty, and without an answer scorer no cascade may set `min_score`.
struct AnalyzersConfig {
  /// `task_classifier`: the task classifier's weights, e.g. models/task_classifier.json.
  std::string task_classifier;
  /// `person_names`: the PII detector's name gazetteer, e.g. models/person_names.tsv.
  std::string person_names;
  /// `learned_router`: the learned router's model, e.g. models/learned-router.json.
  std::string learned_router;
  /// `answer_scorer`: the cascade answer scorer that `accept.min_score` asks, e.g.
  /// models/answer-scorer.json.
  std::string answer_scorer;
  DriftConfig drift;
};

}  // namespace pointsman::config
