#include <pointsman/http/header_fields.hpp>

#include <gtest/gtest.h>

namespace pointsman::http {
namespace {

TEST(HeaderFields, FindsTheFirstFieldOfAnyCase) {
  HeaderFields fields;
  fields.add("Content-Type", "application/json");
  fields.add("x-request-id", "a");
  fields.add("X-Request-Id", "b");

  EXPECT_EQ(fields.find("content-type"), "application/json");
  EXPECT_EQ(fields.find("X-REQUEST-ID"), "a");
  EXPECT_FALSE(fields.find("x-request"));
  EXPECT_EQ(fields.value("missing"), "");
  EXPECT_EQ(fields.size(), 3U);
  EXPECT_EQ(fields.at(2).name, "X-Request-Id");
}

TEST(HeaderFields, EraseRemovesEveryFieldOfTheName) {
  HeaderFields fields;
  fields.add("Content-Encoding", "gzip");
  fields.add("Accept", "*/*");
  fields.add("content-encoding", "deflate");

  fields.erase("CONTENT-ENCODING");

  EXPECT_FALSE(fields.find("content-encoding"));
  ASSERT_EQ(fields.size(), 1U);
  EXPECT_EQ(fields.at(0).value, "*/*");
}

}  // namespace
}  // namespace pointsman::http
