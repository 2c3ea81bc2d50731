#include <pointsman/config/secret.hpp>

#include <gtest/gtest.h>

namespace pointsman::config {
namespace {

TEST(Secret, RedactedShowsDigestPrefixNotValue) {
  const Secret secret("sk-test-123456");

  const std::string redacted = secret.redacted();

  EXPECT_EQ(redacted.find("sk-test"), std::string::npos);
  EXPECT_EQ(redacted.find("123456"), std::string::npos);
  EXPECT_TRUE(redacted.starts_with("***sha256:")) << redacted;
  EXPECT_EQ(redacted.size(), std::string("***sha256:").size() + 8) << redacted;
}

TEST(Secret, RedactedMatchesKnownSha256Prefix) {
  // `printf abc | sha256sum` prints ba7816bf8f01cfea...
  EXPECT_EQ(Secret("abc").redacted(), "***sha256:ba7816bf");
}

TEST(Secret, DifferentValuesRedactDifferently) {
  EXPECT_NE(Secret("key-one").redacted(), Secret("key-two").redacted());
}

TEST(Secret, EmptySecretRedactsToEmptyText) {
  EXPECT_EQ(Secret().redacted(), "");
  EXPECT_EQ(Secret("").redacted(), "");
}

TEST(Secret, ShortValueIsNotLeaked) {
  // A one-character value would show up in any output that contains it.
  const std::string redacted = Secret("z").redacted();
  EXPECT_EQ(redacted.find('z'), std::string::npos) << redacted;
}

}  // namespace
}  // namespace pointsman::config
