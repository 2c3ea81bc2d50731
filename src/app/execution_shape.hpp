#pragma once

// The route settings that shape how the executor runs a plan: hedging and fan-out.

#include <pointsman/config/config.hpp>
#include <pointsman/upstream/plan_executor.hpp>

namespace pointsman::app {

/// Copies the route's `hedge:` and `fan_out:` blocks into the execution request, with the hedge
/// budget and the judge deployment they need.
void applyExecutionShape(const config::Config& config, const config::RouteConfig& route,
                         const upstream::BreakerSet& breakers, upstream::ExecutionRequest& execution);

}  // namespace pointsman::app
