#include <pointsman/analyze/pii_detector.hpp>

#include "analyze/text_scan.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace pointsman::analyze {
namespace {

std::string describe(const scan::Matches& matches) {
  std::string text;
  for (const auto& match : matches) {
    text += std::to_string(static_cast<int>(match.kind)) + ":" + std::to_string(match.begin) + "-" +
            std::to_string(match.end) + " ";
  }
  return text;
}

// Compares scanNumber with the checks it skips for a short lone number at every digit, `+` and
// `(` of `text`, and returns how many positions it compared.
int expectShortcutAgrees(std::string_view text) {
  int compared = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if ((c < '0' || c > '9') && c != '+' && c != '(') continue;
    scan::Matches fast;
    scan::Matches plain;
    const std::size_t fast_next = scan::scanNumber(text, at, fast);
    const std::size_t plain_next = scan::scanNumberWithoutShortcut(text, at, plain);
    EXPECT_EQ(fast_next, plain_next) << "at " << at << " of \"" << text << "\"";
    EXPECT_EQ(describe(fast), describe(plain)) << "at " << at << " of \"" << text << "\"";
    ++compared;
  }
  return compared;
}

TEST(PiiNumbers, ShortcutMatchesFullCheckOnSamples) {
  const std::string texts[] = {
      "Document 12. The report",
      "revenue of 4,218,000 USD across 37 regions",
      "signed on 2024-03-14, while",
      "call 555 123 4567 or (555) 123-4567",
      "+44 20 7946 0958",
      "SSN 123-45-6789.",
      "host 10.0.12.7.",
      "card 4111 1111 1111 1111",
      "ext 555-1234x12",
      "12.-3.4.5.6",
      "1-.2",
      "99",
      "7 (0)96 12 34",
      "0393 1144137",
      "12 345 678 901",
      "1.2.3.4",
      "123-45-6789-",
      "5. ",
      "5.",
      "5-",
      "5 ",
  };
  for (const auto& text : texts) EXPECT_GT(expectShortcutAgrees(text), 0) << text;
}

TEST(PiiNumbers, ShortcutMatchesFullCheckOnRandomText) {
  static const std::string kPieces[] = {
      "0",          "1", "4", "7", "9", "12", "123", "4111", " ", " ",  "-", ".",
      ",",          "(", ")", "+", "x", "x1", "a",   "Q",    ":", "\n", "/", "0490 75 40 81",
      "123-45-6789"};
  std::mt19937 random(20261208);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kPieces) - 1);
  std::uniform_int_distribution<int> length(1, 30);
  int compared = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string text;
    for (int pieces = length(random); pieces > 0; --pieces) text += kPieces[pick(random)];
    compared += expectShortcutAgrees(text);
  }
  EXPECT_GT(compared, 100'000);
}

}  // namespace
}  // namespace pointsman::analyze
