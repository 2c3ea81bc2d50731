// The numeric PII scanners: US SSNs, IPv4 addresses, payment cards and phone numbers. They share
// one read of the digit groups at a word start.
#include <pointsman/analyze/pii_validators.hpp>

#include "analyze/text_scan.hpp"

#include <array>

namespace pointsman::analyze::scan {
namespace {

constexpr std::size_t kMaxGroups = 8;
constexpr std::size_t kMaxTightToken = 16;
// The shortest tight token that isValidUsSsn or isValidIpv4 accepts: an IPv4 address such as
// "1.2.3.4". An SSN has 11 characters.
constexpr std::size_t kShortestTightPii = 7;

/// Digit groups read from a word start, such as "+44 (20) 7946-0958" or "4111 1111 1111 1111".
struct DigitGroups {
  std::array<std::size_t, kMaxGroups> lengths{};
  std::size_t count = 0;
  std::size_t digits = 0;
  std::size_t end = 0;
  bool plus = false;
  /// The first digit is 0, the trunk prefix of national numbers in most of Europe.
  bool trunk_zero = false;
  bool parenthesis = false;
  /// A group of one digit after the first, rare in phone numbers but common in lists.
  bool short_group = false;
  bool spaces = false;
  bool dashes = false;
  bool dots = false;
};

bool separatesGroups(std::string_view text, std::size_t at) {
  const char c = text[at];
  if (c != ' ' && c != '-' && c != '.') return false;
  return at + 1 < text.size() && (isDigit(text[at + 1]) || text[at + 1] == '(');
}

void noteSeparator(char c, DigitGroups& groups) {
  groups.spaces = groups.spaces || c == ' ';
  groups.dashes = groups.dashes || c == '-';
  groups.dots = groups.dots || c == '.';
}

// An extension such as "x0135" belongs to the number.
void extendByExtension(std::string_view text, DigitGroups& groups) {
  if (groups.end + 1 >= text.size() || text[groups.end] != 'x' || !isDigit(text[groups.end + 1])) return;
  groups.end += 1;
  while (groups.end < text.size() && isDigit(text[groups.end])) ++groups.end;
}

DigitGroups readDigitGroups(std::string_view text, std::size_t at) {
  DigitGroups groups;
  std::size_t i = at;
  if (text[i] == '+') {
    groups.plus = true;
    ++i;
  }
  bool after_parenthesis = false;
  while (i < text.size() && groups.count < kMaxGroups) {
    if (text[i] == '(') {
      groups.parenthesis = true;
      after_parenthesis = true;
      ++i;
      continue;
    }
    if (!isDigit(text[i])) break;
    const std::size_t start = i;
    if (groups.count == 0) groups.trunk_zero = text[i] == '0';
    while (i < text.size() && isDigit(text[i])) ++i;
    // A one-digit group is only usual in parentheses, as the dropped trunk zero in "+41 (0)96".
    if (i - start == 1 && groups.count > 0 && !after_parenthesis) groups.short_group = true;
    after_parenthesis = false;
    groups.lengths[groups.count++] = i - start;
    groups.digits += i - start;
    groups.end = i;
    if (i < text.size() && text[i] == ')') {
      ++i;
      if (i < text.size() && (text[i] == ' ' || text[i] == '-')) ++i;
    } else if (i < text.size() && separatesGroups(text, i)) {
      noteSeparator(text[i], groups);
      ++i;
    } else {
      break;
    }
  }
  extendByExtension(text, groups);
  return groups;
}

// Year-month-day or day-month-year with dashes or dots, possibly followed by the hour after a
// space: a date, not a phone number. Numbers grouped by spaces alone ("0490 75 40 81") are not.
bool looksLikeDate(const DigitGroups& groups) {
  if (groups.count < 3 || groups.plus || !(groups.dashes || groups.dots)) return false;
  const auto& length = groups.lengths;
  return (length[0] == 4 && length[1] <= 2 && length[2] <= 2) || (length[0] <= 2 && length[1] <= 2 && length[2] == 4);
}

// NOTE: 12-digit cards (some Maestro numbers) are not reported: one random 12-digit number in
// ten passes the Luhn check, too many false reports for order and account numbers.
bool looksLikePaymentCard(std::string_view text, std::size_t at, const DigitGroups& groups) {
  if (groups.plus || groups.parenthesis || groups.dots || groups.count > 5) return false;
  if (groups.digits < 13 || groups.digits > 19) return false;
  return isValidPaymentCard(text.substr(at, groups.end - at));
}

// Phone numbers have too many national formats to validate, so this accepts only the shapes that
// ordinary numbers rarely take. These are an international prefix or an area code in
// parentheses, three or more groups, a national trunk prefix 0, or the North American 3-3-4 and
// 3-4 groupings.
bool looksLikePhone(const DigitGroups& groups) {
  if (groups.digits < 7 || groups.digits > 15 || groups.short_group || looksLikeDate(groups)) return false;
  if (groups.plus || groups.parenthesis) return true;
  if (groups.count < 2) return false;
  // A national number with its trunk zero and one separator: "0393 1144137", "0961-7596216".
  if (groups.trunk_zero && groups.count == 2 && groups.digits >= 9) return true;
  const auto& length = groups.lengths;
  const bool north_american = (groups.count == 3 && length[0] == 3 && length[1] == 3 && length[2] == 4) ||
                              (groups.count == 2 && length[0] == 3 && length[1] == 4 && groups.dashes);
  // Lists of numbers ("10 20 30 40") are also separated by spaces alone.
  if (groups.spaces && !groups.dashes && !groups.dots) return north_american || (groups.trunk_zero && groups.count >= 3);
  return north_american || groups.count >= 3;
}

// The run of digits, dots and dashes at `at`, without spaces: an SSN or an IPv4 address. The scan
// stops after 16 characters, more than either has, so that a long run such as "1.1.1..." is not
// rescanned from each of its numbers.
std::size_t tightTokenEnd(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && end - at <= kMaxTightToken &&
         (isDigit(text[end]) || text[end] == '.' || text[end] == '-')) {
    ++end;
  }
  while (end > at && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
  return end;
}

// Whether the tight token at `at` may be an SSN or an IPv4 address. Both have at least
// kShortestTightPii characters. An SSN has a dash at index 3, and an IPv4 address has a dot at
// index 1, 2 or 3.
bool mayStartSsnOrIpv4(std::string_view text, std::size_t at) {
  if (text.size() - at < kShortestTightPii) return false;
  return text[at + 1] == '.' || text[at + 2] == '.' || text[at + 3] == '.' || text[at + 3] == '-';
}

// Returns the end of the digit run at `at` when that run alone is the whole number and too short
// for any numeric PII, else `at`. Every scanner below then finds nothing and returns that end:
// fewer than kShortestTightPii digits make no phone number, card, SSN or IPv4 address, and the
// bytes after the run continue no group. That is, no `)` or extension `x` follows, and no space,
// `.` or `-` before a digit or `(`, nor a `.` or `-` before another one, which would extend a
// tight token. "4,218", "37 regions" and "Document 12." stop here.
std::size_t shortLoneNumberEnd(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && isDigit(text[end])) ++end;
  if (end - at >= kShortestTightPii) return at;
  if (end == text.size()) return end;
  const char after = text[end];
  if (after == ')' || after == 'x') return at;
  if (after != ' ' && after != '.' && after != '-') return end;
  if (end + 1 == text.size()) return end;
  const char second = text[end + 1];
  if (isDigit(second) || second == '(') return at;
  if (after != ' ' && (second == '.' || second == '-')) return at;
  return end;
}

}  // namespace

std::size_t scanNumber(std::string_view text, std::size_t at, Matches& out) {
  if (isDigit(text[at])) {
    const std::size_t lone_end = shortLoneNumberEnd(text, at);
    if (lone_end != at) return lone_end;
  }
  return scanNumberWithoutShortcut(text, at, out);
}

std::size_t scanNumberWithoutShortcut(std::string_view text, std::size_t at, Matches& out) {
  // Most numbers in prose are shorter than either form or have neither separator where it would
  // be, and skip both checks.
  if (isDigit(text[at]) && mayStartSsnOrIpv4(text, at)) {
    const std::size_t tight_end = tightTokenEnd(text, at);
    const std::string_view tight = text.substr(at, tight_end - at);
    const bool ends_word = tight_end == text.size() || !isWordChar(text[tight_end]);
    if (ends_word && tight.size() >= kShortestTightPii) {
      if (isValidUsSsn(tight)) {
        out.push_back({PiiKind::UsSsn, at, tight_end});
        return tight_end;
      }
      if (isValidIpv4(tight)) {
        out.push_back({PiiKind::IpAddress, at, tight_end});
        return tight_end;
      }
    }
  }

  const DigitGroups groups = readDigitGroups(text, at);
  if (groups.count == 0) return at;
  if (groups.end < text.size() && isWordChar(text[groups.end])) return groups.end;
  if (looksLikePaymentCard(text, at, groups)) {
    out.push_back({PiiKind::PaymentCard, at, groups.end});
  } else if (looksLikePhone(groups)) {
    out.push_back({PiiKind::Phone, at, groups.end});
  }
  return groups.end;
}

}  // namespace pointsman::analyze::scan
