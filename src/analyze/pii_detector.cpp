#include <pointsman/analyze/pii_detector.hpp>
#include <pointsman/analyze/pii_validators.hpp>

#include "analyze/text_scan.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace pointsman::analyze {

// Defined in pii_numbers.cpp.
namespace scan {
std::size_t scanNumber(std::string_view text, std::size_t at, Matches& out);
}

namespace {

using namespace scan;

constexpr std::size_t kMaxIpv6Length = 45;
// Blocks of candidate marks taken in one call: 1 KiB of text, and 128 bytes of marks on the stack.
constexpr std::size_t kMarkedBlocksPerBatch = 16;
constexpr std::size_t kMaxPemHeaderLength = 80;

bool isEmailLocalChar(char c) {
  return isAsciiLetter(c) || isDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool isDomainChar(char c) { return isAsciiLetter(c) || isDigit(c) || c == '-' || c == '.'; }

// An address around the `@` at `at`: a local part before it, and a domain after it with at least
// one dot and a top-level label of two or more letters.
void tryEmail(std::string_view text, std::size_t at, Matches& out) {
  std::size_t begin = at;
  while (begin > 0 && isEmailLocalChar(text[begin - 1])) --begin;
  std::size_t end = at + 1;
  while (end < text.size() && isDomainChar(text[end])) ++end;
  while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;  // sentence end
  if (begin == at) return;

  const std::string_view domain = text.substr(at + 1, end - at - 1);
  const auto last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) return;
  const std::string_view top_level = domain.substr(last_dot + 1);
  if (top_level.size() < 2 || !std::all_of(top_level.begin(), top_level.end(), isAsciiLetter)) return;
  out.push_back({PiiKind::Email, begin, end});
}

// Well-known key prefixes and the least number of key characters after them, so that a word
// such as "sk-learn" is not a secret.
struct SecretPrefix {
  std::string_view prefix;
  std::size_t min_body;
};

constexpr std::array<SecretPrefix, 15> kSecretPrefixes = {{
    {"sk-ant-", 20},  // Anthropic
    {"sk-proj-", 20},
    {"sk-", 20},  // OpenAI
    {"AKIA", 16},  // AWS access key id
    {"ASIA", 16},  // AWS temporary access key id
    {"ghp_", 30},  // GitHub tokens by kind
    {"gho_", 30},
    {"ghu_", 30},
    {"ghs_", 30},
    {"ghr_", 30},
    {"github_pat_", 30},
    {"xox", 12},  // Slack: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-
    {"AIza", 30},  // Google API key
    {"sk_live_", 20},  // Stripe
    {"rk_live_", 20},
}};

// The second characters of the prefixes by first character, packed one per byte (at most three
// per first character, e.g. "AK", "AS" and "AI"), so that most words need no prefix comparison:
// a word starting "so" or "re" fails at one lookup instead of fifteen comparisons.
constexpr std::array<std::uint32_t, 256> makeSecretSecondChars() {
  std::array<std::uint32_t, 256> seconds{};
  for (const auto& entry : kSecretPrefixes) {
    auto& packed = seconds[static_cast<unsigned char>(entry.prefix[0])];
    const auto second = static_cast<unsigned char>(entry.prefix[1]);
    bool known = false;
    for (std::uint32_t rest = packed; rest != 0; rest >>= 8) known = known || (rest & 0xFF) == second;
    if (!known) packed = (packed << 8) | second;
  }
  return seconds;
}

constexpr std::array<std::uint32_t, 256> kSecretSecondChars = makeSecretSecondChars();
constexpr bool packsAtMostThreeSecondChars() {
  for (const std::uint32_t packed : kSecretSecondChars) {
    if (packed >= (1u << 24)) return false;
  }
  return true;
}
static_assert(packsAtMostThreeSecondChars(), "a fourth second character does not fit in the packed table");

bool startsLikeSecret(std::string_view text, std::size_t at) {
  if (text.size() - at < 2) return false;
  const auto second = static_cast<unsigned char>(text[at + 1]);
  for (std::uint32_t rest = kSecretSecondChars[static_cast<unsigned char>(text[at])]; rest != 0; rest >>= 8) {
    if ((rest & 0xFF) == second) return true;
  }
  return false;
}

constexpr bool candidatePassKnowsLowercasePrefixes() {
  for (const auto& entry : kSecretPrefixes) {
    const auto first = static_cast<unsigned char>(entry.prefix[0]);
    const bool lowercase = first >= 'a' && first <= 'z';
    if (lowercase && !lowercaseSecretStart(first, static_cast<unsigned char>(entry.prefix[1]))) {
      return false;
    }
  }
  return true;
}
static_assert(candidatePassKnowsLowercasePrefixes(), "add the prefix's first two letters to lowercaseSecretStart");

bool isKeyChar(char c) { return isAsciiLetter(c) || isDigit(c) || c == '_' || c == '-'; }

// Returns the end of a secret that starts at `at`, or `at` when there is none.
std::size_t trySecret(std::string_view text, std::size_t at, Matches& out) {
  if (!startsLikeSecret(text, at)) return at;
  for (const auto& [prefix, min_body] : kSecretPrefixes) {
    if (!startsWith(text, at, prefix)) continue;
    if (prefix == "xox" && (at + 4 >= text.size() || text[at + 4] != '-')) continue;
    std::size_t end = at + prefix.size();
    while (end < text.size() && isKeyChar(text[end])) ++end;
    if (end - at - prefix.size() < min_body) continue;
    out.push_back({PiiKind::Secret, at, end});
    return end;
  }
  return at;
}

// A PEM block such as "-----BEGIN RSA PRIVATE KEY-----": the header line alone is reported.
std::size_t tryPrivateKey(std::string_view text, std::size_t at, Matches& out) {
  if (!startsWith(text, at, "-----BEGIN ")) return at;
  // The header is searched on its own line and in a bounded window, so that a line of many
  // "-----BEGIN " is not rescanned from each of them.
  const std::string_view window = text.substr(at, kMaxPemHeaderLength);
  const std::string_view header = window.substr(0, window.find('\n'));
  const auto key = header.find("PRIVATE KEY-----");
  if (key == std::string_view::npos) return at;
  const std::size_t end = at + key + std::string_view("PRIVATE KEY-----").size();
  out.push_back({PiiKind::Secret, at, end});
  return end;
}

// An IBAN at a word start: two letters and two digits, then groups of letters and digits,
// possibly separated by single spaces, that pass the mod-97 check.
std::size_t tryIban(std::string_view text, std::size_t at, Matches& out) {
  if (at + 15 > text.size() || !isAsciiLetter(text[at]) || !isAsciiLetter(text[at + 1]) ||
      !isDigit(text[at + 2]) || !isDigit(text[at + 3])) {
    return at;
  }
  std::size_t end = at;
  std::size_t characters = 0;
  while (end < text.size() && characters < 34) {
    if (isAsciiLetter(text[end]) || isDigit(text[end])) {
      ++characters;
      ++end;
    } else if (text[end] == ' ' && end + 1 < text.size() && (isDigit(text[end + 1]) || isUpper(text[end + 1]))) {
      ++end;
    } else {
      break;
    }
  }
  // Trailing groups may belong to the next words: shrink until the checksum holds.
  for (std::size_t candidate = end; candidate >= at + 15; --candidate) {
    if (text[candidate - 1] == ' ') continue;
    if (candidate < text.size() && isWordChar(text[candidate])) continue;
    if (isValidIban(text.substr(at, candidate - at))) {
      out.push_back({PiiKind::Iban, at, candidate});
      return candidate;
    }
  }
  return at;
}

// Whether an IPv6 address may start at `at`. Every IPv6 text form has a colon within its first
// five characters, after hex digits only. Most words and numbers fail here, so this check is
// inlined and the rest of tryIpv6 is not.
bool mayStartIpv6(std::string_view text, std::size_t at) {
  std::size_t first_colon = at;
  while (first_colon < text.size() && first_colon - at < 5 && isHexDigit(text[first_colon])) ++first_colon;
  return first_colon < text.size() && text[first_colon] == ':';
}

// An IPv6 address at `at`, which mayStartIpv6 accepted: a run of hex digits, colons and dots with
// at least two colons.
[[gnu::noinline]] std::size_t readIpv6(std::string_view text, std::size_t at, Matches& out) {
  // An IPv6 text form has at most 45 characters. Stopping there keeps a long run such as
  // "1:1:1:..." from being rescanned at each of its words, which would take quadratic time.
  std::size_t end = at;
  int colons = 0;
  while (end < text.size() && (isHexDigit(text[end]) || text[end] == ':' || text[end] == '.')) {
    if (end - at == kMaxIpv6Length) return at;
    colons += text[end] == ':' ? 1 : 0;
    ++end;
  }
  // A sentence may end right after the address ("at fe80::1." or "host 2001:db8::1:").
  while (end > at + 1 && (text[end - 1] == '.' || (text[end - 1] == ':' && text[end - 2] != ':'))) --end;
  if (colons < 2 || (end < text.size() && isWordChar(text[end]))) return at;
  if (!isValidIpv6(text.substr(at, end - at))) return at;
  out.push_back({PiiKind::IpAddress, at, end});
  return end;
}

// Returns the end of an IPv6 address at `at`, or `at` when there is none.
std::size_t tryIpv6(std::string_view text, std::size_t at, Matches& out) {
  return mayStartIpv6(text, at) ? readIpv6(text, at, out) : at;
}

// Checks the scanners that may start at a character that is not part of a word.
std::size_t scanFromSymbol(std::string_view text, std::size_t i, Matches& out) {
  switch (text[i]) {
    case '+':
    case '(':
      return scanNumber(text, i, out);
    case '-':
      return tryPrivateKey(text, i, out);
    case ':':
      return tryIpv6(text, i, out);
    default:
      return i;
  }
}

// Checks the scanners that may start at the first character of a word.
std::size_t scanFromWord(std::string_view text, std::size_t i, const NameGazetteer& names, Matches& out) {
  const char c = text[i];
  std::size_t next = i;
  if (isDigit(c)) {
    next = tryIpv6(text, i, out);
    if (next == i) next = scanNumber(text, i, out);
    return next;
  }
  if (isAsciiLetter(c)) {
    next = trySecret(text, i, out);
    if (next == i) next = tryIban(text, i, out);
    if (next == i && isHexDigit(c)) next = tryIpv6(text, i, out);
    if (next == i && isUpper(c)) next = scanPersonName(text, i, hashedWordEnd(text, i), names, out);
    return next;
  }
  // A Latin-1 letter such as "É" (U+00C0 to U+00DE are C3 80 to C3 9E) may start a name.
  if (c == '\xC3') next = scanPersonName(text, i, hashedWordEnd(text, i), names, out);
  return next;
}

// Runs the scanners that may start at `at` and returns where scanning goes on.
std::size_t scanAt(std::string_view text, std::size_t at, const NameGazetteer& names, Matches& out) {
  const bool word_start = at == 0 || !isWordChar(text[at - 1]);
  std::size_t next = at;
  if (!isWordChar(text[at])) {
    if (text[at] == '@') {
      tryEmail(text, at, out);
    } else if (word_start) {
      next = scanFromSymbol(text, at, out);
    }
    return std::max(next, at + 1);
  }
  // A scanner may stop inside a word ("12abc"), and the rest of that word starts nothing.
  if (word_start) next = scanFromWord(text, at, names, out);
  return next > at ? next : wordEnd(text, at);
}

}  // namespace

std::vector<PiiMatch> PiiDetector::findAll(std::string_view text) const {
  Matches out;
  std::size_t next = 0;
  std::array<std::uint64_t, kMarkedBlocksPerBatch> marks;
  for (std::size_t batch = 0; batch < text.size(); batch += marks.size() * kCandidateBlockBytes) {
    const std::size_t blocks = markPiiCandidateBlocks(text, batch, marks);
    for (std::size_t k = 0; k < blocks; ++k) {
      const std::size_t block = batch + k * kCandidateBlockBytes;
      // Unmarked positions start nothing, so only the set bits are visited.
      for (std::uint64_t candidates = marks[k]; candidates != 0; candidates &= candidates - 1) {
        const std::size_t at = block + static_cast<std::size_t>(std::countr_zero(candidates));
        // A scanner that matched or passed a word returned where scanning goes on.
        if (at < next) continue;
        next = scanAt(text, at, names_, out);
      }
    }
  }
  // The email check looks back over a local part that the loop had already passed.
  std::sort(out.begin(), out.end(), [](const PiiMatch& a, const PiiMatch& b) { return a.begin < b.begin; });
  return out;
}

PiiKinds PiiDetector::findKinds(std::string_view text) const {
  PiiKinds kinds;
  for (const auto& match : findAll(text)) kinds.set(static_cast<std::size_t>(match.kind));
  return kinds;
}

}  // namespace pointsman::analyze
