#pragma once

#include <cstdint>
#include <string>

namespace pointsman::accounting {

/// An amount of money in nano-USD (1e-9 USD). Budgets add and compare integers, so concurrent
/// reservations and the stores never accumulate rounding error. An int64 holds 9.2e9 USD.
using Nanos = std::int64_t;

inline constexpr Nanos kNanosPerUsd = 1'000'000'000;

/// Rounds `usd` to the nearest nano-USD.
Nanos nanosFromUsd(double usd);

[[nodiscard]] inline double usdFromNanos(Nanos nanos) { return static_cast<double>(nanos) / kNanosPerUsd; }

/// Formats an amount as USD with exactly six decimals, e.g. "0.005615", the form of the
/// `x-pointsman-cost-usd` header. A fraction of a micro-USD is rounded half up.
std::string formatUsd(Nanos nanos);

}  // namespace pointsman::accounting
