#pragma once

#include <pointsman/config/config.hpp>
#include <pointsman/telemetry/drift_monitor.hpp>

#include <filesystem>
#include <vector>

namespace pointsman::analyze {

/// Per-prompt values of the learned router's training set, which `pointsman-train-router`
/// writes under `training.reference` in the model file.
struct TrainingReference {
  /// The trained router's score of each training prompt.
  std::vector<double> complexity;
  /// The estimated prompt tokens of each training prompt sent as one user message.
  std::vector<double> prompt_tokens;
};

/// Reads `training.reference` of a learned-router model file. Both lists are empty for a model
/// written before the train command recorded them. Throws std::runtime_error naming the file when
/// it cannot be read or the lists are malformed.
TrainingReference readTrainingReference(const std::filesystem::path& model_file);

/// The drift monitor's features for `config`: telemetry::defaultDriftFeatures() whose prompt-token
/// and complexity references come from the learned router's training set when
/// `analyzers.drift.reference` is `training` and the loaded model records one. The other features
/// keep the first live window as their reference.
std::vector<telemetry::DriftFeatureSpec> driftFeaturesFor(const config::Config& config);

/// The window and threshold of `analyzers.drift`.
telemetry::DriftOptions driftOptionsFor(const config::Config& config);

}  // namespace pointsman::analyze
