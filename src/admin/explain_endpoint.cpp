#include <pointsman/admin/explain.hpp>

#include <pointsman/analyze/route_analyzers.hpp>
#include <pointsman/api/api_error.hpp>
#include <pointsman/api/request_view.hpp>
#include <pointsman/route/route_resolver.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace pointsman::admin {
namespace {

using nlohmann::json;

ExplainResult errorResult(const api::ApiError& error) { return {error.status, error.body()}; }

ExplainResult invalid(std::string message, std::string param) {
  return errorResult(api::ApiError::invalidRequest(std::move(message), std::move(param)));
}

json featuresJson(const analyze::Features& features) {
  json out{{"estimated_prompt_tokens", features.estimated_prompt_tokens},
           {"turns", features.turns},
           {"system_prompt_tokens", features.system_prompt_tokens},
           {"has_tools", features.has_tools},
           {"has_images", features.has_images},
           {"json_mode", features.json_mode},
           {"stream", features.stream},
           {"choices", features.choices},
           {"task", std::string(analyze::taskTypeName(features.task))},
           {"task_confidence", features.task_confidence}};
  out["max_tokens"] = features.max_tokens ? json(*features.max_tokens) : json(nullptr);
  out["complexity"] = features.complexity ? json(*features.complexity) : json(nullptr);
  json pii = json::array();
  for (std::size_t kind = 0; kind < analyze::kPiiKindCount; ++kind) {
    if (features.pii.test(kind)) pii.push_back(std::string(analyze::piiKindName(static_cast<analyze::PiiKind>(kind))));
  }
  out["pii"] = std::move(pii);
  out["semantic"] = features.semantic ? json{{"route", features.semantic->route}, {"similarity", features.semantic->similarity}}
                                      : json(nullptr);
  return out;
}

json planJson(const route::Plan& plan) {
  json candidates = json::array();
  for (const auto& candidate : plan.candidates) {
    candidates.push_back({{"deployment", candidate.deployment->name}, {"provider", candidate.deployment->provider}});
  }
  return {{"route", plan.route},
          {"policy", plan.policy},
          {"strategy", route::strategyName(plan.strategy)},
          {"on_premises_only", plan.on_premises_only},
          {"candidates", std::move(candidates)},
          {"decision", plan.decision}};
}

/// The stand-in caller: principal fields and headers that the explain body gives.
struct StandIn {
  route::PrincipalView principal;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> headers;
};

/// Stands in the caller of a client key, as authentication would on the request path.
std::optional<ExplainResult> readKey(json& request, const AccountingAdmin* accounting, StandIn& stand_in) {
  const auto key = request.find("key");
  if (key == request.end()) return std::nullopt;
  if (!key->is_string()) return invalid("\"key\" must be a client key as a string.", "key");
  const auto registry = accounting == nullptr ? nullptr : accounting->registry();
  const auto* principal = registry == nullptr ? nullptr : registry->find(key->get<std::string>());
  if (principal == nullptr) return invalid("No client key matches \"key\".", "key");

  stand_in.principal.key_name = principal->key_name;
  stand_in.principal.team = principal->team;
  stand_in.principal.tier = principal->tier;
  stand_in.labels = principal->labels;
  if (principal->limits.budget || principal->team_budget) {
    stand_in.principal.budget_remaining = accounting->lastBudgetShare(principal->key_name).value_or(1.0);
  }
  request.erase(key);
  return std::nullopt;
}

std::optional<ExplainResult> readStandIn(json& request, const AccountingAdmin* accounting, StandIn& stand_in) {
  if (auto error = readKey(request, accounting, stand_in)) return error;
  if (auto principal = request.find("principal"); principal != request.end()) {
    if (!principal->is_object()) return invalid("\"principal\" must be an object.", "principal");
    stand_in.principal.tier = principal->value("tier", stand_in.principal.tier);
    stand_in.principal.key_name = principal->value("key_name", stand_in.principal.key_name);
    stand_in.principal.team = principal->value("team", stand_in.principal.team);
    if (auto share = principal->find("budget_remaining"); share != principal->end() && share->is_number()) {
      stand_in.principal.budget_remaining = share->get<double>();
    }
    if (auto labels = principal->find("labels"); labels != principal->end() && labels->is_object()) {
      for (const auto& [name, value] : labels->items()) {
        if (value.is_string()) stand_in.labels[name] = value.get<std::string>();
      }
    }
    request.erase(principal);
  }
  if (auto headers = request.find("headers"); headers != request.end()) {
    if (!headers->is_object()) return invalid("\"headers\" must be an object of names to strings.", "headers");
    for (const auto& [name, value] : headers->items()) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (value.is_string()) stand_in.headers[lower] = value.get<std::string>();
    }
    request.erase(headers);
  }
  stand_in.principal.labels = &stand_in.labels;
  return std::nullopt;
}

}  // namespace

ExplainResult explainRequest(const config::Config& config, std::string_view body, const AccountingAdmin* accounting) {
  json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!request.is_object()) return invalid("The explain body must be a JSON object: a chat completions request.", "");

  StandIn stand_in;
  if (auto error = readStandIn(request, accounting, stand_in)) return *error;
  const std::string chat_body = request.dump();
  auto parsed = api::parseRequest(api::Endpoint::ChatCompletions, chat_body);
  if (auto* error = std::get_if<api::ApiError>(&parsed)) return errorResult(*error);
  const auto& view = std::get<api::RequestView>(parsed);

  // The same loaded models as the request path, so explain shows the features a request gets.
  const analyze::Features features = analyze::analyzeForRoute(config, view.model, chat_body);
  const auto headers = [&stand_in](std::string_view name) -> std::optional<std::string_view> {
    const auto found = stand_in.headers.find(std::string(name));
    if (found == stand_in.headers.end()) return std::nullopt;
    return std::string_view(found->second);
  };
  const route::RouteInput input{&features, &stand_in.principal, headers, chat_body};

  auto resolved = route::resolvePlan(config, view.model, input);
  if (auto* error = std::get_if<api::ApiError>(&resolved)) return errorResult(*error);
  const auto& plan = std::get<route::Plan>(resolved);
  const json answer{{"features", featuresJson(features)}, {"plan", planJson(plan)}, {"trace", plan.trace.toJson()}};
  return {200, answer.dump(2)};
}

}  // namespace pointsman::admin
