#pragma once

#include <pointsman/config/config.hpp>
#include <pointsman/http/upstream_connection.hpp>
#include <pointsman/http/url.hpp>

#include <memory>
#include <string>
#include <unordered_map>

namespace pointsman::upstream {

/// The target of a provider's requests: its base URL parsed, its connection settings, and the
/// key of the connection pool for them.
struct ProviderEndpoint {
  http::Url url;
  http::UpstreamEndpoint connection;
  std::string pool_key;
};

/// Builds the endpoint of `provider`. Returns nullptr when its base_url is not a valid URL.
std::shared_ptr<const ProviderEndpoint> makeProviderEndpoint(
    const config::ProviderConfig& provider);

/// A worker's provider endpoints, each built once instead of for every attempt: parsing the base
/// URL, resolving the proxy and building the pool key cost about 1,600 instructions per request.
class ProviderEndpointCache {
 public:
  /// Returns the endpoint of `provider`, built on first use, or nullptr when its base_url is not
  /// valid.
  std::shared_ptr<const ProviderEndpoint> find(const config::ProviderConfig& provider);

 private:
  /// The settings an endpoint was built from. They are compared on every hit, because a reload
  /// frees the old providers and a new one may get a freed address.
  struct Entry {
    std::string base_url;
    std::string ca_file;
    std::string proxy;
    std::string client_cert_file;
    std::string client_key_file;
    std::shared_ptr<const ProviderEndpoint> endpoint;
  };

  static bool builtFrom(const Entry& entry, const config::ProviderConfig& provider);

  std::unordered_map<const config::ProviderConfig*, Entry> entries_;
};

}  // namespace pointsman::upstream
