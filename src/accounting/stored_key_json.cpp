#include <pointsman/accounting/stored_key_json.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::accounting {
namespace {

using nlohmann::json;

std::optional<config::BudgetPeriod> periodFrom(const std::string& name) {
  if (name == "day") return config::BudgetPeriod::Day;
  if (name == "month") return config::BudgetPeriod::Month;
  if (name == "total") return config::BudgetPeriod::Total;
  return std::nullopt;
}

void readBudget(const json& document, config::KeyConfig& key) {
  const auto budget = document.find("budget");
  if (budget == document.end() || budget->is_null()) return;
  const auto period = periodFrom(budget->value("per", std::string("day")));
  const double usd = budget->at("usd").get<double>();
  if (!period) throw std::invalid_argument("budget.per must be day, month or total");
  if (!(usd > 0)) throw std::invalid_argument("budget.usd must be a number above 0");
  key.limits.budget = config::BudgetConfig{usd, *period};
}

void readRate(const json& document, const char* field, std::optional<std::int64_t>& out) {
  const auto value = document.find(field);
  if (value == document.end() || value->is_null()) return;
  const auto rate = value->get<std::int64_t>();
  if (rate < 1) throw std::invalid_argument(std::string(field) + " must be an integer of at least 1");
  out = rate;
}

}  // namespace

std::string storedKeyToJson(const StoredKey& stored) {
  const auto& key = stored.key;
  json document{{"name", key.name},     {"key_sha256", key.key_sha256}, {"team", key.team},
                {"tier", key.tier},     {"routes", key.limits.routes},  {"deployments", key.limits.deployments},
                {"labels", key.labels}, {"created_at", stored.created_at}};
  if (key.limits.budget) {
    document["budget"] = {{"usd", key.limits.budget->usd}, {"per", config::budgetPeriodName(key.limits.budget->per)}};
  }
  if (key.limits.rpm) document["rpm"] = *key.limits.rpm;
  if (key.limits.tpm) document["tpm"] = *key.limits.tpm;
  return document.dump();
}

std::optional<StoredKey> storedKeyFromJson(std::string_view text, std::string& problem) {
  const auto document = json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    problem = "the body must be a JSON object";
    return std::nullopt;
  }
  try {
    StoredKey stored;
    auto& key = stored.key;
    key.name = document.value("name", std::string());
    key.key_sha256 = document.value("key_sha256", std::string());
    key.team = document.value("team", std::string());
    key.tier = document.value("tier", std::string());
    key.limits.routes = document.value("routes", std::set<std::string>());
    key.limits.deployments = document.value("deployments", std::set<std::string>());
    key.labels = document.value("labels", std::map<std::string, std::string>());
    stored.created_at = document.value("created_at", std::int64_t{0});
    readBudget(document, key);
    readRate(document, "rpm", key.limits.rpm);
    readRate(document, "tpm", key.limits.tpm);
    return stored;
  } catch (const std::exception& error) {
    problem = error.what();
    return std::nullopt;
  }
}

}  // namespace pointsman::accounting
