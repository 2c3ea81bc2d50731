#pragma once

// The route settings that shape how the executor runs a plan: hedging and fan-out.

#include <pointsman/analyze/features.hpp>
#include <pointsman/config/config.hpp>
#include <pointsman/upstream/plan_executor.hpp>

namespace pointsman::app {

/// Copies the route's `hedge:` and `fan_out:` blocks into the execution request, with the hedge
/// budget and the judge deployment they need.
void applyExecutionShape(const config::Config& config, const config::RouteConfig& route,
                         const upstream::BreakerSet& breakers, bool on_premises_only,
                         upstream::ExecutionRequest& execution);

/// For a cascade plan, gives the executor the function that judges each step's answer with the
/// route's `accept:` checks.
void applyCascade(const config::Config& config, const route::Plan& plan, const analyze::Features& features, const std::string& body,
                  upstream::ExecutionRequest& execution);

}  // namespace pointsman::app
