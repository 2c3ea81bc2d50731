#include <pointsman/analyze/drift_reference.hpp>
#include <pointsman/analyze/route_analyzers.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace pointsman::analyze {

TrainingReference readTrainingReference(const std::filesystem::path& model_file) {
  std::ifstream file(model_file);
  if (!file) throw std::runtime_error(model_file.string() + ": cannot open the learned router model");
  TrainingReference reference;
  try {
    const auto json = nlohmann::json::parse(file);
    const auto training = json.find("training");
    if (training == json.end() || !training->contains("reference")) return reference;
    const auto& lists = training->at("reference");
    reference.complexity = lists.at("complexity").get<std::vector<double>>();
    reference.prompt_tokens = lists.at("prompt_tokens").get<std::vector<double>>();
  } catch (const std::exception& error) {
    throw std::runtime_error(model_file.string() + ": invalid training.reference: " + error.what());
  }
  return reference;
}

std::vector<telemetry::DriftFeatureSpec> driftFeaturesFor(const config::Config& config) {
  auto features = telemetry::defaultDriftFeatures();
  if (config.analyzers.drift.reference != config::DriftReference::Training || !config.loaded_analyzers) return features;

  const TrainingReference& reference = config.loaded_analyzers->trainingReference();
  const auto fill = [&features](telemetry::DriftFeature feature, const std::vector<double>& values) {
    auto& spec = features[static_cast<std::size_t>(feature)];
    spec.reference = telemetry::binShares(spec.upper_bounds, values);
  };
  fill(telemetry::DriftFeature::PromptTokens, reference.prompt_tokens);
  fill(telemetry::DriftFeature::Complexity, reference.complexity);
  return features;
}

telemetry::DriftOptions driftOptionsFor(const config::Config& config) {
  telemetry::DriftOptions options;
  options.window = config.analyzers.drift.window;
  options.warn_threshold = config.analyzers.drift.threshold;
  return options;
}

}  // namespace pointsman::analyze
