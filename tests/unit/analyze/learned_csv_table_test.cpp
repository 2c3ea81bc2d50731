#include <pointsman/analyze/learned_csv_table.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace pointsman::analyze {
namespace {

TEST(CsvTable, ReadsQuotedFieldsWithCommasQuotesAndNewlines) {
  std::istringstream input("prompt,label\r\n\"a, b\",1\n\"say \"\"hi\"\"\nplease\",0\nplain,0.5\n");
  const auto table = readCsv(input);
  ASSERT_EQ(table.rows.size(), 3U);
  EXPECT_EQ(table.rows[0][0], "a, b");
  EXPECT_EQ(table.rows[0][1], "1");
  EXPECT_EQ(table.rows[1][0], "say \"hi\"\nplease");
  EXPECT_EQ(table.rows[2][1], "0.5");
  EXPECT_EQ(table.requireColumn("label"), 1U);
}

TEST(CsvTable, EmptyFieldsAreKept) {
  std::istringstream input("a,b,c\n,,x\n");
  const auto table = readCsv(input);
  ASSERT_EQ(table.rows.size(), 1U);
  EXPECT_EQ(table.rows[0][0], "");
  EXPECT_EQ(table.rows[0][2], "x");
}

TEST(CsvTable, RowWithWrongFieldCountIsRejected) {
  std::istringstream input("a,b\n1,2,3\n");
  EXPECT_THROW(readCsv(input), std::runtime_error);
}

TEST(CsvTable, UnterminatedQuoteIsRejected) {
  std::istringstream input("a\n\"open\n");
  EXPECT_THROW(readCsv(input), std::runtime_error);
}

TEST(CsvTable, MissingColumnNamesTheHeader) {
  std::istringstream input("prompt,score\nx,1\n");
  const auto table = readCsv(input);
  try {
    table.requireColumn("label");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("prompt, score"), std::string::npos);
  }
}

TEST(CsvTable, WrittenFieldReadsBack) {
  std::ostringstream output;
  output << "x\n";
  writeCsvField(output, "has \"quotes\", commas\nand lines");
  output << '\n';
  std::istringstream input(output.str());
  EXPECT_EQ(readCsv(input).rows.at(0).at(0), "has \"quotes\", commas\nand lines");
}

}  // namespace
}  // namespace pointsman::analyze
