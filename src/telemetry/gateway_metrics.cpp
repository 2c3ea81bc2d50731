#include <pointsman/telemetry/gateway_metrics.hpp>

namespace pointsman::telemetry {

GatewayMetrics::GatewayMetrics(Registry& registry)
    : requests(registry.counter("pointsman_requests_total", "Requests answered, by route, deployment and status class.",
                                {"route", "deployment", "status_class"})),
      request_duration(registry.histogram("pointsman_request_duration_seconds",
                                          "Time from the request read to the last byte sent.", {"route"},
                                          latencyBucketsSeconds())),
      time_to_first_token(registry.histogram("pointsman_time_to_first_token_seconds",
                                             "Time from the request read to the first content event of a stream.",
                                             {"deployment"}, latencyBucketsSeconds())),
      upstream_attempts(registry.counter("pointsman_upstream_attempts_total",
                                         "Upstream attempts by deployment and outcome.", {"deployment", "outcome"})),
      upstream_timeouts(registry.counter("pointsman_upstream_timeouts_total",
                                         "Upstream attempts that timed out, by phase.", {"deployment", "phase"})),
      failovers(registry.counter("pointsman_failovers_total", "Moves from one deployment to the next after a failure.",
                                 {"from", "to", "reason"})),
      retries(registry.counter("pointsman_retries_total", "Further attempts at the same deployment, by reason.",
                               {"deployment", "reason"})),
      breaker_rejections(registry.counter("pointsman_breaker_rejections_total",
                                          "Attempts skipped because the deployment's breaker was open or cooling down.",
                                          {"deployment"})),
      breaker_state(registry.gauge("pointsman_breaker_state",
                                   "Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open.",
                                   {"deployment"})),
      requests_shed(registry.counter("pointsman_requests_shed_total",
                                     "Requests answered 503 because server.max_in_flight was reached.")
                        .labels({})),
      admission_rejections(registry.counter("pointsman_admission_rejections_total",
                                            "Attempts turned away by a deployment's rpm, tpm or concurrency limit.",
                                            {"deployment", "reason"})),
      hedges(registry.counter("pointsman_hedges_total", "Hedged second attempts: started, won, or not sent for lack of budget.",
                              {"route", "result"})),
      fan_out_answers(registry.counter("pointsman_fan_out_answers_total",
                                       "Answers of fanned-out requests per deployment: ok, failed, or chosen.",
                                       {"route", "deployment", "result"})),
      health_checks(registry.counter("pointsman_health_checks_total", "Active health checks per provider and result.",
                                     {"provider", "result"})),
      tokens(registry.counter("pointsman_tokens_total", "Tokens reported by upstreams, by deployment and kind.",
                              {"deployment", "kind"})),
      requests_in_flight(registry.gauge("pointsman_requests_in_flight", "Requests being handled now.").labels({})),
      gateway_overhead(registry
                           .histogram("pointsman_gateway_overhead_seconds",
                                      "Time spent in the gateway per request, upstream waits excluded.", {},
                                      overheadBucketsSeconds())
                           .labels({})),
      config_reloads(registry.counter("pointsman_config_reloads_total", "Successful config reloads.").labels({})),
      config_reload_failures(
          registry.counter("pointsman_config_reload_failures_total", "Config reloads rejected as invalid.").labels({})),
      config_last_reload_success(
          registry.gauge("pointsman_config_last_reload_success", "1 if the last reload succeeded, else 0.").labels({})) {
  config_last_reload_success.set(1);
}

}  // namespace pointsman::telemetry
