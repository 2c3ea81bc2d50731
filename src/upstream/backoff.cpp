#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <pointsman/upstream/backoff.hpp>

namespace pointsman::upstream {
namespace {

using std::chrono::milliseconds;

/// Hints above this many milliseconds (about 285 years) are treated as malformed, which keeps every
/// sum below in range.
constexpr std::uint64_t kMaxHintMilliseconds = 9'000'000'000'000'000;

std::string_view trimWhitespace(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// Parses a non-negative decimal such as "12" or "1.5" (no sign, exponent or bare dot) counted in
/// units of 10^-`scale_digits` milliseconds, so 3 reads seconds and 0 reads milliseconds. A
/// fraction finer than a millisecond rounds up.
std::optional<milliseconds> parseDecimalMilliseconds(std::string_view text, int scale_digits) {
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  const auto fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty())) return std::nullopt;
  if (!std::all_of(whole.begin(), whole.end(), isDigit)) return std::nullopt;
  if (!std::all_of(fraction.begin(), fraction.end(), isDigit)) return std::nullopt;

  std::uint64_t units = 0;
  const auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), units);
  if (error != std::errc()) return std::nullopt;

  std::uint64_t total = units;
  for (int digit = 0; digit < scale_digits; ++digit) {
    if (total > kMaxHintMilliseconds / 10) return std::nullopt;
    const auto index = static_cast<std::size_t>(digit);
    total = total * 10 +
            (index < fraction.size() ? static_cast<std::uint64_t>(fraction[index] - '0') : 0);
  }
  const auto rest =
      fraction.substr(std::min(fraction.size(), static_cast<std::size_t>(scale_digits)));
  if (rest.find_first_not_of('0') != std::string_view::npos) ++total;
  if (total > kMaxHintMilliseconds) return std::nullopt;
  return milliseconds(static_cast<milliseconds::rep>(total));
}

/// Parses a fixed-width unsigned field of an HTTP date, e.g. the "06" of "06 Nov".
std::optional<int> parseField(std::string_view text) {
  if (!std::all_of(text.begin(), text.end(), isDigit)) return std::nullopt;
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

/// Index of `name` in `names` (0 based), or nothing.
template <std::size_t N>
std::optional<unsigned> indexOf(const std::array<std::string_view, N>& names,
                                std::string_view name) {
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) return std::nullopt;
  return static_cast<unsigned>(found - names.begin());
}

constexpr std::array<std::string_view, 7> kDayNames = {"Mon", "Tue", "Wed", "Thu",
                                                       "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/// Parses an IMF-fixdate, the preferred HTTP-date format: "Sun, 06 Nov 1994 08:49:37 GMT". The
/// day name must be valid but is not checked against the date.
// NOTE: the two obsolete HTTP-date formats (RFC 850 and asctime) are rejected as malformed.
std::optional<std::chrono::system_clock::time_point> parseImfFixdate(std::string_view text) {
  constexpr std::string_view kLayout = "Ddd, DD Mmm YYYY HH:MM:SS GMT";
  if (text.size() != kLayout.size()) return std::nullopt;
  for (std::size_t i = 0; i < kLayout.size(); ++i) {
    const bool literal = kLayout[i] == ',' || kLayout[i] == ' ' || kLayout[i] == ':';
    if (literal && text[i] != kLayout[i]) return std::nullopt;
  }
  if (!indexOf(kDayNames, text.substr(0, 3)) || text.substr(26, 3) != "GMT") return std::nullopt;

  const auto month = indexOf(kMonthNames, text.substr(8, 3));
  const auto day = parseField(text.substr(5, 2));
  const auto year = parseField(text.substr(12, 4));
  const auto hour = parseField(text.substr(17, 2));
  const auto minute = parseField(text.substr(20, 2));
  const auto second = parseField(text.substr(23, 2));
  if (!month || !day || !year || !hour || !minute || !second) return std::nullopt;
  // A second of 60 is a leap second, which the format allows.
  if (*hour > 23 || *minute > 59 || *second > 60) return std::nullopt;

  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(*month + 1),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         std::chrono::seconds(*second);
}

}  // namespace

milliseconds backoffDelay(const RetryPolicy& policy, int retry_number, double uniform01) {
  // Doubling stops after 30 retries: 2^30 times a 1 ms base is already over 12 days.
  const int doublings = std::clamp(retry_number - 1, 0, 30);
  const double cap_ms =
      std::min(static_cast<double>(policy.base_backoff.count()) * std::ldexp(1.0, doublings),
               static_cast<double>(policy.max_backoff.count()));
  const double fraction = std::clamp(uniform01, 0.0, 1.0);
  return milliseconds(static_cast<milliseconds::rep>(std::floor(std::max(cap_ms, 0.0) * fraction)));
}

std::optional<milliseconds> parseRetryAfter(std::string_view retry_after,
                                            std::string_view retry_after_ms,
                                            std::chrono::system_clock::time_point now) {
  if (auto hint = parseDecimalMilliseconds(trimWhitespace(retry_after_ms), 0)) return hint;

  const auto text = trimWhitespace(retry_after);
  if (auto hint = parseDecimalMilliseconds(text, 3)) return hint;

  const auto date = parseImfFixdate(text);
  if (!date) return std::nullopt;
  if (*date <= now) return milliseconds::zero();
  return std::chrono::ceil<milliseconds>(*date - now);
}

RetryDelay nextDelay(const RetryPolicy& policy, int retry_number, double uniform01,
                     std::optional<milliseconds> upstream_delay,
                     std::chrono::steady_clock::time_point now,
                     std::chrono::steady_clock::time_point deadline) {
  const auto backoff = backoffDelay(policy, retry_number, uniform01);
  const auto target = std::max(backoff, upstream_delay.value_or(milliseconds::zero()));
  if (deadline == std::chrono::steady_clock::time_point::max()) return {target, true};

  if (deadline <= now) return {milliseconds::zero(), false};
  const auto remaining = std::chrono::floor<milliseconds>(deadline - now);
  if (target >= deadline - now) return {remaining, false};
  return {target, true};
}

}  // namespace pointsman::upstream
