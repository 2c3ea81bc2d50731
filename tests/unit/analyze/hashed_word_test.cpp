#include <pointsman/analyze/name_gazetteer.hpp>

#include "analyze/text_scan.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace pointsman::analyze::scan {
namespace {

// `hashedWordEnd` replaces `wordEnd` plus `hashFoldedWord` in the person-name check, so it must
// give the same end and hash at every position.
void expectSameAsTwoPasses(const std::string& text) {
  for (std::size_t at = 0; at <= text.size(); ++at) {
    const std::size_t end = wordEnd(text, at);
    const HashedWord word = hashedWordEnd(text, at);
    ASSERT_EQ(word.end, end) << "at " << at << " of \"" << text << "\"";
    ASSERT_EQ(word.hash, hashFoldedWord(std::string_view(text).substr(at, end - at))) << "at " << at;
  }
}

TEST(HashedWordEnd, MatchesTwoPassesOnNames) {
  expectSameAsTwoPasses("Dear Dr. Helena Marsh, O'Brien and \xC3\x89milie Zo\xC3\xAB met MARIA_x at 9am.");
  expectSameAsTwoPasses("");
  expectSameAsTwoPasses("A");
}

TEST(HashedWordEnd, MatchesTwoPassesOnRandomBytes) {
  std::mt19937 random(20261205);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> size(0, 80);
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    for (int n = size(random); n > 0; --n) text += static_cast<char>(byte(random));
    expectSameAsTwoPasses(text);
  }
}

TEST(HashedWordEnd, LookupHashFindsTheSameFlags) {
  NameGazetteer names;
  names.add("Helena", NameGazetteer::kFirstName);
  names.add("marsh", NameGazetteer::kSurname | NameGazetteer::kCommonWord);
  for (const std::string text : {"Helena", "HELENA", "Marsh", "marsh", "Mars", "Helena2"}) {
    EXPECT_EQ(names.lookupHash(hashedWordEnd(text, 0).hash), names.lookup(text)) << text;
  }
  EXPECT_EQ(names.lookupHash(hashedWordEnd("Marsh", 0).hash), NameGazetteer::kSurname | NameGazetteer::kCommonWord);
}

}  // namespace
}  // namespace pointsman::analyze::scan
