#pragma once

#include <pointsman/telemetry/metrics.hpp>

namespace pointsman::telemetry {

/// Every metric the gateway exports, registered once at start. Label values are route,
/// deployment and outcome names from config or from fixed lists, never request input.
struct GatewayMetrics {
  explicit GatewayMetrics(Registry& registry);

  /// route, deployment, status_class ("2xx", "4xx", "5xx", "499")
  Family<Counter>& requests;
  /// route
  Family<Histogram>& request_duration;
  /// deployment
  Family<Histogram>& time_to_first_token;
  /// deployment, outcome ("ok", "connect_refused", "http_5xx", ...)
  Family<Counter>& upstream_attempts;
  /// deployment, phase ("connect", "response_headers", "first_token", "idle", "total")
  Family<Counter>& upstream_timeouts;
  /// from, to, reason
  Family<Counter>& failovers;
  /// deployment, reason: another attempt at the same deployment
  Family<Counter>& retries;
  /// deployment: attempts skipped because the breaker was open or cooling down after a 429
  Family<Counter>& breaker_rejections;
  /// deployment: 0 closed, 1 half-open, 2 open
  Family<Gauge>& breaker_state;
  /// Requests turned away with 503 because too many were in flight.
  Counter& requests_shed;
  /// deployment, reason ("rate_limit", "queue_full", "queue_timeout"): attempts a deployment's
  /// `limits:` turned away before any upstream call
  Family<Counter>& admission_rejections;
  /// route, result ("started", "won", "no_budget"): hedged second attempts
  Family<Counter>& hedges;
  /// route, deployment, result ("ok", "failed", "chosen"): answers of fanned-out requests
  Family<Counter>& fan_out_answers;
  /// provider, result ("ok", "failed")
  Family<Counter>& health_checks;
  /// deployment, kind ("prompt", "completion", "cached_prompt", "reasoning")
  Family<Counter>& tokens;
  Gauge& requests_in_flight;
  /// The gateway's own time per request, upstream waits excluded.
  Histogram& gateway_overhead;
  Counter& config_reloads;
  Counter& config_reload_failures;
  Gauge& config_last_reload_success;
};

}  // namespace pointsman::telemetry
