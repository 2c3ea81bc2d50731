#include "app/execution_shape.hpp"

#include <pointsman/analyze/route_analyzers.hpp>
#include <pointsman/api/chat_text.hpp>
#include <pointsman/route/cascade_acceptance.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::app {

void applyExecutionShape(const config::Config& config, const config::RouteConfig& route,
                         const upstream::BreakerSet& breakers, bool on_premises_only,
                         upstream::ExecutionRequest& execution) {
  if (route.hedge.enabled) {
    execution.hedge = &route.hedge;
    execution.hedge_budget = breakers.hedgeBudget(route.name);
  }
  if (!route.fan_out.enabled) return;

  execution.fan_out = &route.fan_out;
  if (route.fan_out.judge.empty()) return;
  const auto deployment = config.models.find(route.fan_out.judge);
  if (deployment == config.models.end()) return;
  const auto provider = config.providers.find(deployment->second.provider);
  // A judge at a disabled provider leaves the fan-out answering with its first answer.
  if (provider == config.providers.end() || !provider->second.enabled) return;
  // An on-premises plan never sends the answers to a judge elsewhere.
  if (on_premises_only && !provider->second.tags.contains("on_premises")) return;
  execution.fan_out_judge = route::Candidate{&deployment->second, &provider->second};
}

namespace {

/// The verifier deployment as a candidate; nothing when its provider is disabled, or when the plan
/// must stay on premises and the verifier would leave.
std::optional<route::Candidate> verifierCandidate(const config::Config& config, const route::Plan& plan,
                                                  const std::string& name) {
  const auto deployment = config.models.find(name);
  if (deployment == config.models.end()) return std::nullopt;
  const auto provider = config.providers.find(deployment->second.provider);
  if (provider == config.providers.end() || !provider->second.enabled) return std::nullopt;
  if (plan.on_premises_only && !provider->second.tags.contains("on_premises")) return std::nullopt;
  return route::Candidate{&deployment->second, &provider->second};
}

}  // namespace

void applyCascade(const config::Config& config, const route::Plan& plan, const analyze::Features& features, const std::string& body,
                  upstream::ExecutionRequest& execution) {
  if (plan.strategy != route::ExecutionStrategy::Cascade || !plan.cascade_checks) return;

  route::AcceptanceContext context;
  context.json_mode = features.json_mode;
  if (plan.cascade_checks->min_score) {
    // The scorer reads the question beside the answer, and only a route that scores needs it.
    context.prompt = api::lastUserText(nlohmann::json::parse(body, nullptr, false));
    // The config loader rejects min_score without analyzers.answer_scorer. So only a config built
    // in code gets here without a scorer, and then rejectReason() fails every min_score check.
    if (config.loaded_analyzers) context.scorer = config.loaded_analyzers->answerScorer();
  }
  if (const auto& verifier = plan.cascade_checks->verifier) {
    execution.cascade_verifier = verifierCandidate(config, plan, verifier->deployment);
    execution.verifier_min_score = verifier->min_score;
  }
  // The request keeps its config snapshot until the executor returns, so `models` and the scorer
  // outlive every call of this function.
  execution.accept_answer = [checks = plan.cascade_checks, context = std::move(context), models = &config.models](
                                std::string_view completion_body, const std::string& deployment) {
    // The scorer learned a per-model offset from upstream model ids, so it gets the deployment's id.
    const auto found = models->find(deployment);
    const std::string& model = found == models->end() ? deployment : found->second.model;
    return route::rejectReason(*checks, context, completion_body, model);
  };
}

}  // namespace pointsman::app
