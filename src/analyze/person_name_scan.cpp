// The person-name check of the PII detector: gazetteer lookups plus the capitalisation and the
// words around a candidate.
#include "analyze/text_scan.hpp"

#include <array>

namespace pointsman::analyze::scan {
namespace {

// Words after which a capitalised word is a name even when the gazetteer does not list it.
constexpr std::array<std::string_view, 16> kNameCues = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "mister",
    "named", "called", "dear", "hi", "hello", "thanks",
};

bool isCapitalLetterAt(std::string_view text, std::size_t at) {
  if (at >= text.size()) return false;
  if (isUpper(text[at])) return true;
  // U+00C0 to U+00DE, the Latin-1 capitals such as "É", are C3 80 to C3 9E in UTF-8.
  return text[at] == '\xC3' && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) <= 0x9E;
}

// A word such as "Maria" or "O" but not "NASA": a capital and then no second capital.
bool isCapitalised(std::string_view text, std::size_t begin, std::size_t end) {
  if (!isCapitalLetterAt(text, begin)) return false;
  const std::size_t second = text[begin] == '\xC3' ? begin + 2 : begin + 1;
  return second >= end || !isUpper(text[second]);
}

bool equalsFolded(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = isUpper(word[i]) ? static_cast<char>(word[i] + 32) : word[i];
    if (c != lower[i]) return false;
  }
  return true;
}

constexpr bool cuesHaveLengths(std::size_t shortest, std::size_t longest) {
  for (const auto cue : kNameCues) {
    if (cue.size() < shortest || cue.size() > longest) return false;
  }
  return true;
}
constexpr std::size_t kShortestCue = 2;
constexpr std::size_t kLongestCue = 6;
static_assert(cuesHaveLengths(kShortestCue, kLongestCue), "update kShortestCue and kLongestCue");

// The bytes that previousWord skips before a name: spaces, a period after a title, a colon and
// a comma.
constexpr std::array<bool, 256> kGapBeforeName = [] {
  std::array<bool, 256> gap{};
  for (const char c : {' ', '.', ':', ','}) gap[static_cast<unsigned char>(c)] = true;
  return gap;
}();

// The word that ends before `begin`, past the bytes of kGapBeforeName. A word longer than any cue
// comes back as its last kLongestCue + 1 bytes, which is enough to tell that it is no cue, so a
// long word is not read back to its start.
std::string_view previousWord(std::string_view text, std::size_t begin) {
  std::size_t end = begin;
  while (end > 0 && kGapBeforeName[static_cast<unsigned char>(text[end - 1])]) --end;
  const std::size_t lowest_start = end > kLongestCue + 1 ? end - (kLongestCue + 1) : 0;
  std::size_t start = end;
  while (start > lowest_start && isWordChar(text[start - 1])) --start;
  return text.substr(start, end - start);
}

// The first letters, lowercased, of the cues and of "is" and "name", which followsNameCue
// compares. A word that starts with another letter is no cue.
constexpr std::array<bool, 256> kCueFirstLetters = [] {
  std::array<bool, 256> letters{};
  for (const auto cue : kNameCues) letters[static_cast<unsigned char>(cue[0])] = true;
  letters['i'] = true;
  letters['n'] = true;
  return letters;
}();

// Returns `c` lowercased if it is an ASCII capital, as equalsFolded compares it.
char foldedAscii(char c) { return isUpper(c) ? static_cast<char>(c + 32) : c; }

bool followsNameCue(std::string_view text, std::size_t begin) {
  const std::string_view previous = previousWord(text, begin);
  // Most words before a capital are no cue by their length or first letter alone ("is" and
  // "name" are in range).
  if (previous.size() < kShortestCue || previous.size() > kLongestCue) return false;
  if (!kCueFirstLetters[static_cast<unsigned char>(foldedAscii(previous[0]))]) return false;
  for (const auto cue : kNameCues) {
    if (equalsFolded(previous, cue)) return true;
  }
  if (equalsFolded(previous, "is") || equalsFolded(previous, "name")) {
    // "my name is Ola" or "Name: Ola".
    const std::size_t previous_begin = static_cast<std::size_t>(previous.data() - text.data());
    return equalsFolded(previous, "name") || equalsFolded(previousWord(text, previous_begin), "name");
  }
  return false;
}

bool continuesAsAddress(std::string_view text, std::size_t end) {
  if (end >= text.size()) return false;
  return text[end] == '@' ||
         (text[end] == '.' && end + 1 < text.size() && isWordChar(text[end + 1]));
}

}  // namespace

std::string_view nextCapitalisedWord(std::string_view text, std::size_t end) {
  std::size_t at = end;
  if (at >= text.size() || text[at] != ' ') return {};
  ++at;
  if (at + 2 < text.size() && isUpper(text[at]) && text[at + 1] == '.' && text[at + 2] == ' ') at += 3;
  // Most words after a capitalised one are lowercase, and their end is not needed.
  if (!isCapitalLetterAt(text, at)) return {};
  const std::size_t word_end = wordEnd(text, at);
  if (!isCapitalised(text, at, word_end)) return {};
  return text.substr(at, word_end - at);
}

std::size_t scanPersonName(std::string_view text, std::size_t begin, HashedWord word, const NameGazetteer& names,
                           Matches& out) {
  const std::size_t end = word.end;
  // One letter is an initial or the pronoun "I", never a whole name.
  if (names.size() == 0 || end - begin < 2 || !isCapitalised(text, begin, end) || continuesAsAddress(text, end)) {
    return end;
  }

  const std::uint8_t flags = names.lookupHash(word.hash);
  const bool cue = followsNameCue(text, begin);
  const bool unambiguous = flags != 0 && (flags & NameGazetteer::kCommonWord) == 0;
  const bool first_name = (flags & NameGazetteer::kFirstName) != 0;
  // Most capitalised words ("The", "Report") are neither listed nor after a cue, and the word
  // after them decides nothing.
  if (!cue && !unambiguous && !first_name) return end;

  const std::string_view next = nextCapitalisedWord(text, end);
  const std::uint8_t next_flags = next.empty() ? 0 : names.lookup(next);
  const std::size_t next_end = next.empty() ? end : static_cast<std::size_t>(next.data() - text.data()) + next.size();
  const bool surname_follows = (next_flags & NameGazetteer::kSurname) != 0;

  if (cue || (first_name && !next.empty() && (unambiguous || surname_follows))) {
    // A cue or a first name takes the capitalised word after it as the surname.
    const std::size_t match_end = next.empty() ? end : next_end;
    out.push_back({PiiKind::PersonName, begin, match_end});
    return match_end;
  }
  if (unambiguous) {
    const std::size_t match_end = surname_follows ? next_end : end;
    out.push_back({PiiKind::PersonName, begin, match_end});
    return match_end;
  }
  return end;
}

}  // namespace pointsman::analyze::scan
