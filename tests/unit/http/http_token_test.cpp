#include "http/http_token.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

namespace pointsman::http {
namespace {

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool referenceSameToken(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

TEST(HttpToken, MatchesReferenceForEveryBytePair) {
  // Eleven bytes span a full word and a partial one. Only A-Z and a-z may match across case:
  // '^' and '~' or '@' and '`' differ by the same bit and must still differ.
  // Five bytes take the byte-by-byte path.
  for (const auto& [lower, upper] :
       {std::pair{"content-len", "CONTENT-LEN"}, std::pair{"close", "CLOSE"}}) {
    for (std::size_t place = 0; place < std::string_view(lower).size(); ++place) {
      for (int x = 0; x < 256; ++x) {
        for (int y = 0; y < 256; ++y) {
          std::string a = lower;
          std::string b = upper;
          a[place] = static_cast<char>(x);
          b[place] = static_cast<char>(y);
          ASSERT_EQ(sameToken(a, b), referenceSameToken(a, b))
              << "bytes " << x << " and " << y << " at " << place;
        }
      }
    }
  }
}

TEST(HttpToken, ComparesLengthsFirst) {
  EXPECT_TRUE(sameToken("", ""));
  EXPECT_FALSE(sameToken("close", "closed"));
  EXPECT_TRUE(sameToken("Transfer-Encoding", "transfer-encoding"));
  EXPECT_FALSE(sameToken("transfer-encodinG", "transfer-encodinh"));
}

}  // namespace
}  // namespace pointsman::http
