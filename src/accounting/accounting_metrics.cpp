#include <pointsman/accounting/accounting_metrics.hpp>

namespace pointsman::accounting {

AccountingMetrics::AccountingMetrics(telemetry::Registry& registry)
    : cost_usd(registry.counter("pointsman_cost_usd_total", "Settled cost of requests in USD.",
                                {"deployment", "route", "tier"})),
      budget_rejections(registry.counter("pointsman_budget_rejections_total",
                                         "Requests rejected with 429 because a budget was exhausted.", {"tier"})),
      rate_limit_rejections(registry.counter("pointsman_rate_limit_rejections_total",
                                             "Requests rejected with 429 by a client rate limit.", {"tier", "kind"})),
      reservation_overrun_usd(registry.counter(
          "pointsman_reservation_overrun_usd_total",
          "Settled cost above the request's own reservation, in USD; budgets may exceed their limit by this much.",
          {"deployment"})),
      estimated_costs(registry.counter("pointsman_estimated_costs_total",
                                       "Requests charged an estimate because the upstream reported no usage.",
                                       {"deployment"})),
      store_failures(registry.counter("pointsman_accounting_store_failures_total",
                                      "Store operations that failed, by store and the configured outcome.",
                                      {"store", "outcome"})),
      auth_failures(registry.counter("pointsman_auth_failures_total", "Requests rejected with 401.", {"reason"})) {}

}  // namespace pointsman::accounting
