// The `analyzers:` section: model file paths, resolved against the config file's folder, and
// the drift settings. The files themselves are loaded by the analyze module after the config
// is valid, so a wrong path is reported there with its key.

#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <array>
#include <filesystem>

namespace pointsman::config {

namespace {

constexpr std::array<std::string_view, 5> kAnalyzersKeys = {"task_classifier", "person_names", "learned_router",
                                                            "answer_scorer", "drift"};
constexpr std::array<std::string_view, 3> kDriftKeys = {"window", "threshold", "reference"};
constexpr std::size_t kMinDriftWindow = 10;

/// Reads a path and makes a relative one relative to the config file's folder, so the same
/// config works whatever the gateway's working directory is.
void readModelPath(const MapReader& reader, std::string_view key, const std::string& source_path,
                   std::string& out) {
  std::string path;
  if (!reader.read(key, path) || path.empty()) return;
  std::filesystem::path resolved(path);
  if (resolved.is_relative() && !source_path.empty()) {
    resolved = std::filesystem::path(source_path).parent_path() / resolved;
  }
  out = resolved.lexically_normal().string();
}

void parseDrift(const MapReader& parent, DriftConfig& drift) {
  if (!parent.has("drift")) return;
  const MapReader reader(parent.child("drift"), parent.pathOf("drift"), kDriftKeys, parent.context());
  reader.read("window", drift.window, Bound::Positive);
  if (drift.window < kMinDriftWindow) {
    reader.context().error(reader.pathOf("window"), "expected at least " + std::to_string(kMinDriftWindow) +
                                                        " requests, because the window moves in tenths");
  }
  reader.read("threshold", drift.threshold, Bound::Positive);

  std::string reference;
  if (!reader.read("reference", reference)) return;
  if (reference == "training") {
    drift.reference = DriftReference::Training;
  } else if (reference == "first_window") {
    drift.reference = DriftReference::FirstWindow;
  } else {
    reader.context().error(reader.pathOf("reference"),
                           "unknown reference \"" + reference + "\"; supported values: training, first_window");
  }
}

}  // namespace

void parseAnalyzers(const YAML::Node& node, LoadContext& context, const std::string& source_path,
                    AnalyzersConfig& analyzers) {
  const MapReader reader(node, "analyzers", kAnalyzersKeys, context);
  readModelPath(reader, "task_classifier", source_path, analyzers.task_classifier);
  readModelPath(reader, "person_names", source_path, analyzers.person_names);
  readModelPath(reader, "learned_router", source_path, analyzers.learned_router);
  readModelPath(reader, "answer_scorer", source_path, analyzers.answer_scorer);
  parseDrift(reader, analyzers.drift);
}

}  // namespace pointsman::config
