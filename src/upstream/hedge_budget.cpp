#include <algorithm>
#include <cmath>
#include <pointsman/upstream/hedge_budget.hpp>

namespace pointsman::upstream {
namespace {

/// Converts a count of tokens to fixed-point units, clamped to [0, 1e12] tokens so that sums stay
/// far from overflow.
std::int64_t toUnits(double tokens, std::int64_t units_per_token) {
  const double clamped = std::clamp(tokens, 0.0, 1e12);
  return static_cast<std::int64_t>(std::llround(clamped * static_cast<double>(units_per_token)));
}

}  // namespace

HedgeBudget::HedgeBudget(const HedgeBudgetPolicy& policy)
    : policy_(policy),
      units_per_primary_(toUnits(policy.max_extra_percent / 100.0, kUnitsPerToken)),
      max_units_(toUnits(policy.max_saved_hedges, kUnitsPerToken)) {}

void HedgeBudget::onPrimaryRequest() {
  auto current = units_.load(std::memory_order_relaxed);
  std::int64_t next = 0;
  do {
    next = std::min(max_units_, current + units_per_primary_);
    if (next == current) return;
  } while (!units_.compare_exchange_weak(current, next, std::memory_order_relaxed));
}

bool HedgeBudget::tryHedge() {
  auto current = units_.load(std::memory_order_relaxed);
  do {
    if (current < kUnitsPerToken) return false;
  } while (
      !units_.compare_exchange_weak(current, current - kUnitsPerToken, std::memory_order_relaxed));
  return true;
}

double HedgeBudget::tokens() const {
  return static_cast<double>(units_.load(std::memory_order_relaxed)) /
         static_cast<double>(kUnitsPerToken);
}

}  // namespace pointsman::upstream
