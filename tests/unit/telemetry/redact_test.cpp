#include "pointsman/telemetry/redact.hpp"

#include <gtest/gtest.h>

namespace pointsman::telemetry {
namespace {

TEST(RedactUrl, PlainUrlUnchanged) {
  EXPECT_EQ(redactUrl("https://api.openai.com/v1/chat/completions"),
            "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(redactUrl("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(redactUrl(""), "");
}

TEST(RedactUrl, MasksUserinfo) {
  EXPECT_EQ(redactUrl("https://user:pass@host/path"), "https://***@host/path");
  EXPECT_EQ(redactUrl("https://token@host:8443"), "https://***@host:8443");
  EXPECT_EQ(redactUrl("https://user:p@ss@host"), "https://***@host");
}

TEST(RedactUrl, AtSignAfterAuthorityKept) {
  EXPECT_EQ(redactUrl("https://host/users/@me"), "https://host/users/@me");
  EXPECT_EQ(redactUrl("https://host?mail=a@b"), "https://host?mail=***");
}

TEST(RedactUrl, MasksEveryQueryValue) {
  EXPECT_EQ(redactUrl("https://host/v1?key=abc&x=1"), "https://host/v1?key=***&x=***");
  EXPECT_EQ(redactUrl("https://host/v1?key="), "https://host/v1?key=***");
  EXPECT_EQ(redactUrl("https://host/v1?a=1=2"), "https://host/v1?a=***");
  EXPECT_EQ(redactUrl("https://host/v1?"), "https://host/v1?");
}

TEST(RedactUrl, MasksBareParameters) {
  EXPECT_EQ(redactUrl("https://host/v1?sk-secret&x=1"), "https://host/v1?***&x=***");
  EXPECT_EQ(redactUrl("https://host/v1?a=1&&b=2"), "https://host/v1?a=***&&b=***");
}

TEST(RedactUrl, MasksFragment) {
  EXPECT_EQ(redactUrl("https://host/cb#access_token=abc"), "https://host/cb#***");
  EXPECT_EQ(redactUrl("https://host/cb?code=1#state"), "https://host/cb?code=***#***");
  EXPECT_EQ(redactUrl("https://host/cb#"), "https://host/cb#");
}

TEST(RedactUrl, AllPartsTogether) {
  EXPECT_EQ(
      redactUrl("https://u:p@generativelanguage.googleapis.com:443/v1beta/models?key=AIza&alt=sse"),
      "https://***@generativelanguage.googleapis.com:443/v1beta/models?key=***&alt=***");
}

TEST(RedactUrl, PathWithoutScheme) {
  EXPECT_EQ(redactUrl("/v1/chat?api-key=abc"), "/v1/chat?api-key=***");
  EXPECT_EQ(redactUrl("/users/@me"), "/users/@me");
}

TEST(RedactHeaderValue, CredentialHeadersMasked) {
  for (const char* name :
       {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"}) {
    EXPECT_EQ(redactHeaderValue(name, "sensitive"), "***") << name;
  }
}

TEST(RedactHeaderValue, NameCaseIgnored) {
  EXPECT_EQ(redactHeaderValue("Authorization", "Bearer sk-1"), "***");
  EXPECT_EQ(redactHeaderValue("X-API-KEY", "abc"), "***");
  EXPECT_EQ(redactHeaderValue("Set-Cookie", "id=1"), "***");
}

TEST(RedactHeaderValue, NamesContainingCredentialWordsMasked) {
  EXPECT_EQ(redactHeaderValue("x-goog-api-key", "AIza"), "***");
  EXPECT_EQ(redactHeaderValue("X-Amz-Security-Token", "t"), "***");
  EXPECT_EQ(redactHeaderValue("x-client-secret", "s"), "***");
  EXPECT_EQ(redactHeaderValue("Keycloak-Session", "k"), "***");
}

TEST(RedactHeaderValue, OtherHeadersKept) {
  EXPECT_EQ(redactHeaderValue("content-type", "application/json"), "application/json");
  EXPECT_EQ(redactHeaderValue("x-request-id", "req-1"), "req-1");
  EXPECT_EQ(redactHeaderValue("anthropic-version", "2023-06-01"), "2023-06-01");
  EXPECT_EQ(redactHeaderValue("", "v"), "v");
}

}  // namespace
}  // namespace pointsman::telemetry
