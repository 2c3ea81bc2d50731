#include <pointsman/analyze/pii_detector.hpp>
#include <pointsman/analyze/pii_validators.hpp>

#include "analyze/text_scan.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace pointsman::analyze {

namespace {

using namespace scan;

constexpr std::size_t kMaxIpv6Length = 45;
// Blocks of candidate marks taken in one call: 1 KiB of text, and 128 bytes of marks on the stack.
constexpr std::size_t kMarkedBlocksPerBatch = 16;
constexpr std::size_t kMaxPemHeaderLength = 80;
// The maximum number of matches whose buffer findKinds keeps for the thread's next text (24 KiB).
constexpr std::size_t kMaxKeptMatches = 1024;

// ASCII letters and digits, and the given symbols, as one lookup per byte: the email check reads
// a whole address through them.
constexpr std::array<bool, 256> makeAddressChars(std::string_view symbols) {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[static_cast<std::size_t>(c)] =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  for (const char symbol : symbols) table[static_cast<unsigned char>(symbol)] = true;
  return table;
}

constexpr std::array<bool, 256> kEmailLocalChars = makeAddressChars("._%+-");
constexpr std::array<bool, 256> kDomainChars = makeAddressChars("-.");

bool isEmailLocalChar(char c) { return kEmailLocalChars[static_cast<unsigned char>(c)]; }

bool isDomainChar(char c) { return kDomainChars[static_cast<unsigned char>(c)]; }

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

// Whether a scanner other than the person-name check may match at the capitalised word at `at`:
// a key prefix, the two letters and two digits that start an IBAN, or the colon of an IPv6
// address. The check accepts a superset of what those scanners accept at a capital.
bool mayStartOtherThanName(std::string_view text, std::size_t at) {
  const bool iban_start = text.size() - at > 3 && isAsciiLetter(text[at]) &&
                          isAsciiLetter(text[at + 1]) && isDigit(text[at + 2]) &&
                          isDigit(text[at + 3]);
  return iban_start || startsLikeSecret(text, at) || mayStartIpv6(text, at);
}

/// The state that lets a scan for the kinds of the matches leave checks out. A scan for every
/// match keeps it as it starts.
struct KindsScan {
  /// The kinds found so far. Stays empty when every match is wanted.
  PiiKinds known;
  /// The start of the first word of a name run that may start another scanner's match (see
  /// nameRunEnd). The words of that run before it get the whole name check.
  std::size_t other_start_in_run = 0;
};

// Returns the end of the run of capitalised words from `begin` in which scanPersonName may take
// each word as the surname of the one before ("Anna Maria Smith"). Scanned word by word, such a
// run gives person names and nothing else, and scanning goes on at its end whatever the name
// checks decide, so once a name is known the whole run can be passed over. A run in which a word
// after the first may start another scanner's match cannot be passed over. Then this returns
// `begin` and sets `other_start` to that word.
std::size_t nameRunEnd(std::string_view text, std::size_t begin, std::size_t& other_start) {
  std::size_t end = wordEnd(text, begin);
  for (;;) {
    const std::string_view next = nextCapitalisedWord(text, end);
    if (next.empty()) return end;
    const auto next_begin = static_cast<std::size_t>(next.data() - text.data());
    if (mayStartOtherThanName(text, next_begin)) {
      other_start = next_begin;
      return begin;
    }
    end = next_begin + next.size();
  }
}

// Runs the person-name check at the capitalised word at `begin`. Once a name is known, a run of
// capitalised words that gives nothing but names is passed over unchecked.
std::size_t checkName(std::string_view text, std::size_t begin, const NameGazetteer& names,
                      KindsScan& scan, Matches& out) {
  // The words before a known start of another match keep the whole check, so that no run is
  // read again from each of its words.
  if (scan.known.test(static_cast<std::size_t>(PiiKind::PersonName)) &&
      begin >= scan.other_start_in_run) {
    const std::size_t run_end = nameRunEnd(text, begin, scan.other_start_in_run);
    if (run_end != begin) return run_end;
  }
  return scanPersonName(text, begin, hashedWordEnd(text, begin), names, out);
}

// Checks the scanners that may start at the first character of a word.
std::size_t scanFromWord(std::string_view text, std::size_t i, const NameGazetteer& names,
                         KindsScan& scan, Matches& out) {
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
    if (next == i && isUpper(c)) next = checkName(text, i, names, scan, out);
    return next;
  }
  // A Latin-1 letter such as "É" (U+00C0 to U+00DE are C3 80 to C3 9E) may start a name.
  if (c == '\xC3') next = checkName(text, i, names, scan, out);
  return next;
}

// Runs the scanners that may start at `at` and returns where scanning goes on. A check whose only
// outcome is a match of a kind in `scan.known` is left out.
std::size_t scanAt(std::string_view text, std::size_t at, const NameGazetteer& names,
                   KindsScan& scan, Matches& out) {
  const bool word_start = at == 0 || !isWordChar(text[at - 1]);
  std::size_t next = at;
  if (!isWordChar(text[at])) {
    if (text[at] == '@') {
      // The email check does not move the scan on, so it changes nothing but its own kind.
      if (!scan.known.test(static_cast<std::size_t>(PiiKind::Email))) tryEmail(text, at, out);
    } else if (word_start) {
      next = scanFromSymbol(text, at, out);
    }
    return std::max(next, at + 1);
  }
  // A scanner may stop inside a word ("12abc"), and the rest of that word starts nothing.
  if (word_start) next = scanFromWord(text, at, names, scan, out);
  return next > at ? next : wordEnd(text, at);
}

// Appends the matches in `text` to `out`, in the order the scanners find them: every match, or
// with `kinds_only` at least one of each kind that every match would have. With `kinds_only` it
// returns those kinds, and otherwise an empty set.
PiiKinds scanAll(std::string_view text, const NameGazetteer& names, bool kinds_only, Matches& out) {
  KindsScan scan;
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
        const std::size_t found_before = out.size();
        next = scanAt(text, at, names, scan, out);
        if (!kinds_only) continue;
        for (std::size_t m = found_before; m < out.size(); ++m) {
          scan.known.set(static_cast<std::size_t>(out[m].kind));
        }
      }
    }
  }
  return scan.known;
}

}  // namespace

std::vector<PiiMatch> PiiDetector::findAll(std::string_view text) const {
  Matches out;
  scanAll(text, names_, /*kinds_only=*/false, out);
  // The email check looks back over a local part that the loop had already passed.
  std::sort(out.begin(), out.end(), [](const PiiMatch& a, const PiiMatch& b) { return a.begin < b.begin; });
  return out;
}

PiiKinds PiiDetector::findKinds(std::string_view text) const {
  // The kinds do not depend on the order of the matches, so they are not sorted, and the buffer
  // is kept per thread so that a request's messages reuse its memory.
  thread_local Matches matches;
  matches.clear();
  const PiiKinds kinds = scanAll(text, names_, /*kinds_only=*/true, matches);
  // A text full of matches does not keep its buffer for the rest of the thread's life.
  if (matches.capacity() > kMaxKeptMatches) Matches().swap(matches);
  return kinds;
}

}  // namespace pointsman::analyze
