#include "config/host_port.hpp"

#include <gtest/gtest.h>

namespace pointsman::config {
namespace {

TEST(HostPort, AcceptsIpv4Ipv6AndHostNames) {
  const auto v4 = parseHostPort("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);

  const auto v6 = parseHostPort("[::1]:9090");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9090);

  const auto name = parseHostPort("gateway.internal:0");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "gateway.internal");
  EXPECT_EQ(name->port, 0);

  EXPECT_TRUE(parseHostPort("0.0.0.0:65535"));
  EXPECT_TRUE(parseHostPort("localhost:1"));
}

TEST(HostPort, RejectsMalformedAddresses) {
  for (const char* text : {"", "8080", ":8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
                           "127.0.0.1:-1", "127.0.0.1:http", "256.0.0.1:80", "1.2.3:80",
                           "::1:80", "[::1]", "[not-ipv6]:80", "bad_host:80", "-a.example:80",
                           "a..b:80", "host name:80"}) {
    EXPECT_FALSE(parseHostPort(text)) << '"' << text << '"';
  }
}

TEST(HostPort, LoopbackCoversWhole127NetAndIpv6) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "LocalHost",
                           "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(isLoopbackHost(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "example.com",
                           "localhost.example.com"}) {
    EXPECT_FALSE(isLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace pointsman::config
