#include <pointsman/http/url.hpp>

#include <gtest/gtest.h>

#include <string>

namespace pointsman::http {
namespace {

TEST(Url, HttpDefaultsToPort80) {
  const auto url = parseUrl("http://example.com");

  ASSERT_TRUE(url.has_value());
  EXPECT_FALSE(url->tls);
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->base_path, "");
  EXPECT_EQ(url->query, "");
  EXPECT_EQ(url->hostHeader(), "example.com");
}

TEST(Url, HttpsDefaultsToPort443) {
  const auto url = parseUrl("https://api.openai.com/v1");

  ASSERT_TRUE(url.has_value());
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "api.openai.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->base_path, "/v1");
  EXPECT_EQ(url->hostHeader(), "api.openai.com");
}

TEST(Url, ExplicitPort) {
  const auto url = parseUrl("http://127.0.0.1:8081/v1");

  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8081);
  EXPECT_EQ(url->base_path, "/v1");
  EXPECT_EQ(url->hostHeader(), "127.0.0.1:8081");
}

TEST(Url, ExplicitDefaultPortLeftOutOfHostHeader) {
  EXPECT_EQ(parseUrl("https://example.com:443")->hostHeader(), "example.com");
  EXPECT_EQ(parseUrl("http://example.com:80")->hostHeader(), "example.com");
}

TEST(Url, OtherSchemesDefaultPortKeptInHostHeader) {
  EXPECT_EQ(parseUrl("https://example.com:80")->hostHeader(), "example.com:80");
  EXPECT_EQ(parseUrl("http://example.com:443")->hostHeader(), "example.com:443");
}

TEST(Url, Ipv6LiteralWithPort) {
  const auto url = parseUrl("http://[::1]:8081/v1");

  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8081);
  EXPECT_EQ(url->base_path, "/v1");
  EXPECT_EQ(url->hostHeader(), "[::1]:8081");
}

TEST(Url, Ipv6LiteralWithoutPort) {
  const auto url = parseUrl("https://[2001:db8::1]/v1");

  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "2001:db8::1");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->hostHeader(), "[2001:db8::1]");
}

TEST(Url, BasePathLosesTrailingSlashes) {
  const struct {
    const char* text;
    const char* base_path;
  } cases[] = {
      {"https://example.com/", ""},
      {"https://example.com/v1/", "/v1"},
      {"https://example.com/v1//", "/v1"},
      {"https://example.com/openai/deployments/gpt-4o", "/openai/deployments/gpt-4o"},
      {"https://example.com:8443/api/v1/", "/api/v1"},
  };

  for (const auto& test_case : cases) {
    const auto url = parseUrl(test_case.text);

    ASSERT_TRUE(url.has_value()) << test_case.text;
    EXPECT_EQ(url->base_path, test_case.base_path) << test_case.text;
  }
}

TEST(Url, QueryKept) {
  const auto url = parseUrl("https://res.openai.azure.com/openai/deployments/gpt-4o?api-version=2024-10-21");

  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "res.openai.azure.com");
  EXPECT_EQ(url->base_path, "/openai/deployments/gpt-4o");
  EXPECT_EQ(url->query, "api-version=2024-10-21");
}

TEST(Url, QueryWithoutPath) {
  const auto url = parseUrl("http://example.com:8080?key=a/b");

  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->base_path, "");
  EXPECT_EQ(url->query, "key=a/b");
}

TEST(Url, RejectsUserinfo) {
  EXPECT_FALSE(parseUrl("https://user:secret@example.com/v1").has_value());
  EXPECT_FALSE(parseUrl("https://user@example.com").has_value());
}

TEST(Url, AtSignInPathIsNotUserinfo) {
  const auto url = parseUrl("https://example.com/v1/@models");

  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->base_path, "/v1/@models");
}

TEST(Url, RejectsGarbage) {
  for (const char* text : {
           "",
           "example.com",
           "example.com:443",
           "ftp://example.com",
           "http:/example.com",
           "http://",
           "https:///v1",
           "http://:8080",
           "http://example.com:",
           "http://example.com:http",
           "http://example.com:80x",
           "http://example.com:-1",
           "http://[::1",
           "http://[::1]8080",
           "http://[]:8080",
           "http://[]",
           "http://?query",
       }) {
    EXPECT_FALSE(parseUrl(text).has_value()) << text;
  }
}

TEST(Url, RejectsSeveralPorts) {
  // Without brackets only one colon may follow the host.
  EXPECT_FALSE(parseUrl("http://example.com:80:90/v1").has_value());
}

TEST(Url, RejectsPortAbove65535) {
  EXPECT_FALSE(parseUrl("http://example.com:65536").has_value());
  EXPECT_FALSE(parseUrl("http://example.com:99999/v1").has_value());
  EXPECT_FALSE(parseUrl("http://[::1]:70000").has_value());
  EXPECT_FALSE(parseUrl("http://example.com:4294967297").has_value());
}

TEST(Url, AcceptsPort65535) {
  const auto url = parseUrl("http://example.com:65535");

  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->port, 65535);
}

TEST(HostPort, SplitsHostAndPort) {
  const auto result = parseHostPort("127.0.0.1:8080");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->first, "127.0.0.1");
  EXPECT_EQ(result->second, 8080);
}

TEST(HostPort, SplitsBracketedIpv6) {
  const auto result = parseHostPort("[::1]:9090");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->first, "::1");
  EXPECT_EQ(result->second, 9090);
}

TEST(HostPort, AcceptsPortZero) {
  const auto result = parseHostPort("localhost:0");

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->first, "localhost");
  EXPECT_EQ(result->second, 0);
}

TEST(HostPort, RejectsMalformed) {
  for (const char* text : {
           "",
           "localhost",
           ":8080",
           "localhost:",
           "localhost:http",
           "localhost:80 ",
           "localhost:+80",
           "localhost:-1",
           "localhost:65536",
           "[::1]",
           "[::1]9090",
           "[::1:9090",
           "[]:9090",
       }) {
    EXPECT_FALSE(parseHostPort(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace pointsman::http
