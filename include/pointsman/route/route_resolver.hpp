#pragma once

#include <pointsman/api/api_error.hpp>
#include <pointsman/config/config.hpp>
#include <pointsman/route/plan.hpp>
#include <pointsman/route/route_input.hpp>

#include <string_view>
#include <variant>

namespace pointsman::route {

/// Turns the client's `model` into a plan. A route name runs the route's policy: a `use:` list
/// gives its deployments in order, and `rules:`/`otherwise:` or a single policy choose from the
/// request's features, the principal, headers and request fields. A deployment name gives that
/// deployment, and anything else is a 404 `model_not_found`. Deployments of disabled providers,
/// and under `on_premises_only` those of providers not tagged `on_premises`, drop out; a plan
/// left with none is a 503, as is a route where no rule matched and no `otherwise:` exists.
std::variant<Plan, api::ApiError> resolvePlan(const config::Config& config, std::string_view model,
                                              const RouteInput& input);

/// The same for a request with no features, principal or headers.
std::variant<Plan, api::ApiError> resolvePlan(const config::Config& config, std::string_view model);

}  // namespace pointsman::route
