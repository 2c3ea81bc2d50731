#include "route/trace_number.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace pointsman::route {
namespace {

// The direct writers round `value * 10^decimals` only below 1e8. There the product's rounding
// error is under 2e-8, so it cannot move a product across a tie that is kTieMargin or more away.
constexpr double kMaxScaled = 1e8;
constexpr double kTieMargin = 1e-6;

void appendWithCharconv(std::string& out, double value, std::chars_format format, int precision) {
  std::array<char, 400> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, format, precision);
  out.append(buffer.data(), result.ptr);
}

void appendDigits(std::string& out, std::uint64_t number) {
  std::array<char, 20> digits{};
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + number % 10);
    number /= 10;
  } while (number != 0);
  while (count > 0) out += digits[--count];
}

// Rounds `magnitude * 10^decimals` to the nearest integer. Returns false when the product is too
// large or too close to a tie to round safely, and the caller then uses `std::to_chars`.
bool roundScaled(double magnitude, int decimals, std::uint64_t& rounded) {
  double scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const double scaled = magnitude * scale;
  if (!(scaled < kMaxScaled)) return false;
  const double whole = std::floor(scaled);
  const double fraction = scaled - whole;
  if (std::fabs(fraction - 0.5) < kTieMargin) return false;
  rounded = static_cast<std::uint64_t>(whole) + (fraction > 0.5 ? 1 : 0);
  return true;
}

// Writes `scaled / 10^decimals` with exactly `decimals` digits after the point.
void appendScaled(std::string& out, std::uint64_t scaled, int decimals) {
  std::uint64_t divisor = 1;
  for (int i = 0; i < decimals; ++i) divisor *= 10;
  appendDigits(out, scaled / divisor);
  if (decimals == 0) return;
  out += '.';
  std::uint64_t fraction = scaled % divisor;
  for (std::uint64_t place = divisor / 10; place > 0; place /= 10) {
    out += static_cast<char>('0' + fraction / place);
    fraction %= place;
  }
}

// The decimal exponent of `magnitude` for %g, in [-4, 5], or false outside that range.
bool decimalExponent(double magnitude, int& exponent) {
  static constexpr std::array<double, 10> kPowers{1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5};
  if (magnitude < kPowers.front() || magnitude >= 1e6) return false;
  exponent = -4;
  for (std::size_t i = 1; i < kPowers.size() && magnitude >= kPowers[i]; ++i) ++exponent;
  return true;
}

}  // namespace

void appendFixed2(std::string& out, double value) {
  std::uint64_t cents = 0;
  if (!std::isfinite(value) || !roundScaled(std::fabs(value), 2, cents)) {
    appendWithCharconv(out, value, std::chars_format::fixed, 2);
    return;
  }
  if (std::signbit(value)) out += '-';
  appendScaled(out, cents, 2);
}

void appendGeneral(std::string& out, double value) {
  constexpr int kSignificantDigits = 6;
  const double magnitude = std::fabs(value);
  // Whole numbers below 10^6, such as token counts, print as integers.
  if (magnitude < 1e6 && magnitude == std::floor(magnitude)) {
    if (std::signbit(value)) out += '-';
    appendDigits(out, static_cast<std::uint64_t>(magnitude));
    return;
  }
  int exponent = 0;
  std::uint64_t digits = 0;
  const bool simple = std::isfinite(value) && (magnitude == 0 || decimalExponent(magnitude, exponent));
  const int decimals = kSignificantDigits - 1 - exponent;
  // A value that rounds up to the next power of ten (0.9999996) changes its exponent, which
  // `std::to_chars` handles.
  if (!simple || !roundScaled(magnitude, decimals, digits) || (magnitude != 0 && digits >= 1'000'000)) {
    appendWithCharconv(out, value, std::chars_format::general, kSignificantDigits);
    return;
  }
  if (std::signbit(value)) out += '-';
  const std::size_t start = out.size();
  appendScaled(out, digits, decimals);
  // %g drops trailing zeros after the point, and the point when nothing follows it.
  if (decimals > 0) {
    while (out.size() > start && out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
}

std::string formatFixed2(double value) {
  std::string text;
  appendFixed2(text, value);
  return text;
}

std::string formatGeneral(double value) {
  std::string text;
  appendGeneral(text, value);
  return text;
}

}  // namespace pointsman::route
