#include <gtest/gtest.h>

#include <pointsman/upstream/provider_endpoint.hpp>

namespace pointsman::upstream {
namespace {

config::ProviderConfig providerAt(const std::string& base_url) {
  config::ProviderConfig provider;
  provider.name = "local";
  provider.base_url = base_url;
  provider.proxy = "none";
  return provider;
}

TEST(ProviderEndpoint, ParsesTheBaseUrl) {
  const auto endpoint = makeProviderEndpoint(providerAt("https://api.example.test:8443/v1/"));

  ASSERT_NE(endpoint, nullptr);
  EXPECT_EQ(endpoint->url.host, "api.example.test");
  EXPECT_EQ(endpoint->url.port, 8443);
  EXPECT_EQ(endpoint->url.base_path, "/v1");
  EXPECT_EQ(endpoint->pool_key, endpoint->connection.poolKey());
  EXPECT_EQ(makeProviderEndpoint(providerAt("ftp://api.example.test")), nullptr);
}

TEST(ProviderEndpointCache, BuildsOncePerProvider) {
  ProviderEndpointCache cache;
  const auto provider = providerAt("http://127.0.0.1:9/v1");

  const auto first = cache.find(provider);
  const auto second = cache.find(provider);

  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first, second);
}

TEST(ProviderEndpointCache, RebuildsWhenSettingsChange) {
  // A reload may put a new provider at the address of a freed one. Changing the settings of the
  // same object tests that case.
  ProviderEndpointCache cache;
  auto provider = providerAt("http://127.0.0.1:9/v1");
  const auto before = cache.find(provider);

  provider.base_url = "http://127.0.0.1:10/v2";
  const auto after_url = cache.find(provider);
  provider.ca_file = "/etc/ssl/other.pem";
  const auto after_ca = cache.find(provider);

  ASSERT_NE(after_url, nullptr);
  EXPECT_NE(after_url, before);
  EXPECT_EQ(after_url->url.port, 10);
  EXPECT_EQ(after_url->url.base_path, "/v2");
  ASSERT_NE(after_ca, nullptr);
  EXPECT_EQ(after_ca->connection.ca_file, "/etc/ssl/other.pem");
}

TEST(ProviderEndpointCache, InvalidBaseUrlGivesNull) {
  ProviderEndpointCache cache;
  EXPECT_EQ(cache.find(providerAt("not a url")), nullptr);
}

}  // namespace
}  // namespace pointsman::upstream
