#include <gtest/gtest.h>

#include <pointsman/telemetry/text_builder.hpp>
#include <string>

namespace pointsman::telemetry {
namespace {

TEST(TextBuilder, KeepsTextAcrossTheSpill) {
  // A piece that no longer fits moves the text to a string. Every split of the pieces around
  // the 8-byte buffer must give the same text.
  const std::string pieces[] = {"abc", "", "defgh", "i", "jklmnopqrstuvwxyz", "0123456789"};
  for (std::size_t first = 0; first < std::size(pieces); ++first) {
    TextBuilder<8> text;
    std::string expected;
    for (std::size_t i = first; i < std::size(pieces); ++i) {
      text.append(pieces[i]);
      text.append('|');
      expected += pieces[i] + '|';
    }
    EXPECT_EQ(text.take(), expected) << "starting at piece " << first;
  }
}

TEST(TextBuilder, FillsTheBufferExactly) {
  TextBuilder<4> text;
  text.append("ab");
  text.append("cd");
  EXPECT_EQ(text.take(), "abcd");

  TextBuilder<4> over;
  over.append("abcd");
  over.append('e');
  EXPECT_EQ(over.take(), "abcde");
}

}  // namespace
}  // namespace pointsman::telemetry
