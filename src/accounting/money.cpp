#include <pointsman/accounting/money.hpp>

#include <fmt/format.h>

#include <cmath>

namespace pointsman::accounting {

Nanos nanosFromUsd(double usd) { return static_cast<Nanos>(std::llround(usd * static_cast<double>(kNanosPerUsd))); }

std::string formatUsd(Nanos nanos) {
  // Whole micro-USD, rounded half up, printed from integers so no binary fraction shows.
  constexpr Nanos kNanosPerMicro = 1000;
  const bool negative = nanos < 0;
  const Nanos magnitude = negative ? -nanos : nanos;
  const Nanos micros = (magnitude + kNanosPerMicro / 2) / kNanosPerMicro;
  return fmt::format("{}{}.{:06d}", negative ? "-" : "", micros / 1'000'000, micros % 1'000'000);
}

}  // namespace pointsman::accounting
