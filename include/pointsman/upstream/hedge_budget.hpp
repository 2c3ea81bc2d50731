#pragma once

#include <atomic>
#include <cstdint>

namespace pointsman::upstream {

/// How many hedged requests the gateway may add on top of its primary requests. Immutable, from
/// config.
struct HedgeBudgetPolicy {
  /// Hedges allowed per 100 primary requests (percent of extra traffic).
  double max_extra_percent = 5.0;
  /// Unspent hedges the budget can save up, so a quiet period cannot fund a burst larger than
  /// this.
  double max_saved_hedges = 10.0;
};

/// A token bucket that keeps hedged requests within `max_extra_percent` of the primary traffic.
/// Each primary request adds `max_extra_percent / 100` of a token up to `max_saved_hedges`; each
/// hedge spends a whole token. It starts empty, so no hedge goes out before the primaries have
/// earned one. Lock-free: tokens are fixed-point integers changed by compare-exchange, in relaxed
/// order because no other memory depends on the count.
class HedgeBudget {
 public:
  explicit HedgeBudget(const HedgeBudgetPolicy& policy);

  HedgeBudget(const HedgeBudget&) = delete;
  HedgeBudget& operator=(const HedgeBudget&) = delete;

  /// Credits the budget for one primary request.
  void onPrimaryRequest();

  /// Spends one token and returns true, or returns false when less than a token is saved.
  bool tryHedge();

  /// Saved tokens, in hedges.
  double tokens() const;

  [[nodiscard]] const HedgeBudgetPolicy& policy() const { return policy_; }

 private:
  /// Fixed-point units per token (one hedge).
  static constexpr std::int64_t kUnitsPerToken = 1'000'000;
  const HedgeBudgetPolicy policy_;

  const std::int64_t units_per_primary_;
  const std::int64_t max_units_;
  std::atomic<std::int64_t> units_{0};
};

}  // namespace pointsman::upstream
