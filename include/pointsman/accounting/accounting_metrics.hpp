#pragma once

#include <pointsman/telemetry/metrics.hpp>

namespace pointsman::accounting {

/// The accounting metrics, registered beside the gateway's. Label values are route, deployment
/// and tier names from config, or fixed words; never a key name from a request.
struct AccountingMetrics {
  explicit AccountingMetrics(telemetry::Registry& registry);

  /// deployment, route, tier
  telemetry::Family<telemetry::Counter>& cost_usd;
  /// tier: requests rejected with 429 because a budget was exhausted
  telemetry::Family<telemetry::Counter>& budget_rejections;
  /// tier, kind ("requests", "tokens")
  telemetry::Family<telemetry::Counter>& rate_limit_rejections;
  /// deployment: settled cost above the request's own reservation, in USD
  telemetry::Family<telemetry::Counter>& reservation_overrun_usd;
  /// deployment: requests whose cost is an estimate because the upstream sent no usage
  telemetry::Family<telemetry::Counter>& estimated_costs;
  /// store, outcome ("fail_open", "fail_closed"): admissions or settlements the store failed
  telemetry::Family<telemetry::Counter>& store_failures;
  /// reason ("missing", "unknown"): requests rejected with 401
  telemetry::Family<telemetry::Counter>& auth_failures;
};

}  // namespace pointsman::accounting
