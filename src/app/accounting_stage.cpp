// Authentication and authorization: the first two accounting steps of a request.

#include "app/accounting_stage.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace pointsman::app {
namespace {

api::ApiError unauthorized(std::string message, std::string code) {
  return {401, std::move(message), "invalid_request_error", {}, std::move(code), {}};
}

}  // namespace

std::optional<double> AccountingState::lastBudgetShare(const std::string& key_name) const {
  std::lock_guard lock(shares_mutex_);
  const auto found = shares_.find(key_name);
  if (found == shares_.end()) return std::nullopt;
  return found->second;
}

void AccountingState::noteBudgetShare(const std::string& key_name, double share) {
  std::lock_guard lock(shares_mutex_);
  shares_[key_name] = share;
}

std::optional<api::ApiError> authenticate(AccountingState& state, const config::Config& config,
                                          const http::RequestMessage& message, RequestAccounting& accounting) {
  if (config.auth == config::AuthMode::None) return std::nullopt;

  // Anthropic SDKs send their key as `x-api-key`, so the gateway accepts a key there too.
  auto key_header = message.header("api-key");
  if (key_header.empty()) key_header = message.header("x-api-key");
  const auto key = accounting::presentedKey(message.header("authorization"), key_header);
  if (key.empty()) {
    state.metrics.auth_failures.labels({"missing"}).increment();
    return unauthorized("You didn't provide an API key. Send it as `Authorization: Bearer KEY` (or `api-key: KEY` "
                        "or `x-api-key: KEY`).",
                        "missing_api_key");
  }
  accounting.registry = std::atomic_load(&state.keys);
  accounting.principal = accounting.registry ? accounting.registry->find(key) : nullptr;
  if (accounting.principal == nullptr) {
    state.metrics.auth_failures.labels({"unknown"}).increment();
    return unauthorized("Incorrect API key provided. Check the key, or ask the gateway's operator for one.",
                        "invalid_api_key");
  }

  const auto& principal = *accounting.principal;
  accounting.view.key_name = principal.key_name;
  accounting.view.team = principal.team;
  accounting.view.tier = principal.tier;
  accounting.view.labels = &principal.labels;
  if (principal.limits.budget || principal.team_budget) {
    accounting.view.budget_remaining = state.lastBudgetShare(principal.key_name).value_or(1.0);
  }
  return std::nullopt;
}

std::optional<api::ApiError> authorizePlan(const RequestAccounting& accounting, route::Plan& plan) {
  if (accounting.principal == nullptr) return std::nullopt;
  const auto& principal = *accounting.principal;
  const bool route_allowed = plan.route.empty() || principal.allowsRoute(plan.route);
  // A key limited to some routes may not name deployments directly either.
  const bool direct_allowed = !plan.route.empty() || principal.limits.routes.empty() ||
                              !principal.limits.deployments.empty();
  if (!route_allowed || !direct_allowed) return api::ApiError::modelNotFound(plan.requested_model);

  auto& candidates = plan.candidates;
  const auto removed = std::remove_if(candidates.begin(), candidates.end(), [&principal](const route::Candidate& c) {
    return !principal.allowsDeployment(c.deployment->name);
  });
  for (auto it = removed; it != candidates.end(); ++it) {
    plan.skipped.push_back(it->deployment->name + ": not allowed for key " + principal.key_name);
  }
  candidates.erase(removed, candidates.end());
  if (candidates.empty()) return api::ApiError::modelNotFound(plan.requested_model);
  return std::nullopt;
}

}  // namespace pointsman::app
