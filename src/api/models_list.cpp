#include <pointsman/api/models_list.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::api {
namespace {

// A fixed creation time: routes and deployments have no creation date, and a stable value keeps
// the listing byte-identical between calls.
constexpr long long kCreated = 1735689600;  // 2025-01-01T00:00:00Z

nlohmann::json modelObject(const ModelEntry& entry) {
  return {{"id", entry.id}, {"object", "model"}, {"created", kCreated}, {"owned_by", entry.owned_by}};
}

}  // namespace

std::string modelsListBody(const std::vector<ModelEntry>& entries) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& entry : entries) data.push_back(modelObject(entry));
  return nlohmann::json{{"object", "list"}, {"data", std::move(data)}}.dump();
}

std::string modelBody(const ModelEntry& entry) { return modelObject(entry).dump(); }

}  // namespace pointsman::api
