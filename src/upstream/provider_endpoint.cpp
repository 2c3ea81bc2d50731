#include <pointsman/upstream/provider_endpoint.hpp>

namespace pointsman::upstream {
namespace {

/// Entries of replaced config snapshots are never looked up again. Past this many, the cache
/// starts over rather than grow with every reload.
constexpr std::size_t kMaxEntries = 256;

}  // namespace

std::shared_ptr<const ProviderEndpoint> makeProviderEndpoint(
    const config::ProviderConfig& provider) {
  auto url = http::parseUrl(provider.base_url);
  if (!url) return nullptr;

  auto endpoint = std::make_shared<ProviderEndpoint>();
  endpoint->connection = http::endpointFor(provider, *url);
  endpoint->pool_key = endpoint->connection.poolKey();
  endpoint->url = std::move(*url);
  return endpoint;
}

std::shared_ptr<const ProviderEndpoint> ProviderEndpointCache::find(
    const config::ProviderConfig& provider) {
  if (const auto found = entries_.find(&provider);
      found != entries_.end() && builtFrom(found->second, provider)) {
    return found->second.endpoint;
  }

  if (entries_.size() >= kMaxEntries) entries_.clear();
  Entry entry{provider.base_url,         provider.ca_file,         provider.proxy,
              provider.client_cert_file, provider.client_key_file, makeProviderEndpoint(provider)};
  auto endpoint = entry.endpoint;
  entries_.insert_or_assign(&provider, std::move(entry));
  return endpoint;
}

bool ProviderEndpointCache::builtFrom(const Entry& entry, const config::ProviderConfig& provider) {
  return entry.base_url == provider.base_url && entry.ca_file == provider.ca_file &&
         entry.proxy == provider.proxy && entry.client_cert_file == provider.client_cert_file &&
         entry.client_key_file == provider.client_key_file;
}

}  // namespace pointsman::upstream
