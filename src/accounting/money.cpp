#include <pointsman/accounting/money.hpp>

#include <charconv>
#include <cmath>

namespace pointsman::accounting {

Nanos nanosFromUsd(double usd) { return static_cast<Nanos>(std::llround(usd * static_cast<double>(kNanosPerUsd))); }

std::string formatUsd(Nanos nanos) {
  // Whole micro-USD, rounded half up, printed from integers so no binary fraction shows.
  constexpr Nanos kNanosPerMicro = 1000;
  const bool negative = nanos < 0;
  const Nanos magnitude = negative ? -nanos : nanos;
  const Nanos micros = (magnitude + kNanosPerMicro / 2) / kNanosPerMicro;
  // Built by hand: it runs for every response's cost header, and fmt::format cost about a
  // thousand instructions here.
  std::string text = negative ? "-" : "";
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, micros / 1'000'000).ptr;
  text.append(digits, end);
  text += '.';
  char fraction[6];
  Nanos rest = micros % 1'000'000;
  for (int i = 5; i >= 0; --i) {
    fraction[i] = static_cast<char>('0' + rest % 10);
    rest /= 10;
  }
  text.append(fraction, sizeof fraction);
  return text;
}

}  // namespace pointsman::accounting
