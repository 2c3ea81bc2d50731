#pragma once

#include <pointsman/api/api_error.hpp>
#include <pointsman/config/config.hpp>
#include <pointsman/route/plan.hpp>

#include <string_view>
#include <variant>

namespace pointsman::route {

/// Turns the client's `model` into a plan: a route name gives its deployments in order, a
/// deployment name gives that deployment, anything else is a 404 `model_not_found`.
/// Deployments of disabled providers drop out; a route left with none is a 503.
std::variant<Plan, api::ApiError> resolvePlan(const config::Config& config, std::string_view model);

}  // namespace pointsman::route
