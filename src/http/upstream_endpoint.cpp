// Where a provider's connections go: the CA and client certificate files, and the proxy, taken
// from the provider's config or from the standard proxy environment variables.

#include <pointsman/http/upstream_connection.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace pointsman::http {

namespace {

std::string environment(const char* upper, const char* lower) {
  if (const char* value = std::getenv(upper); value && *value) return value;
  if (const char* value = std::getenv(lower); value && *value) return value;
  return {};
}

/// The proxy variables, read once. Every upstream attempt needs them, getenv scans the whole
/// environment on each call, and a daemon's environment does not change.
struct ProxyEnvironment {
  std::string http_proxy = environment("HTTP_PROXY", "http_proxy");
  std::string https_proxy = environment("HTTPS_PROXY", "https_proxy");
  std::string no_proxy = environment("NO_PROXY", "no_proxy");
};

const ProxyEnvironment& proxyEnvironment() {
  static const ProxyEnvironment variables;
  return variables;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

/// True when NO_PROXY's comma-separated list names `host`: `*`, the host itself, or a domain it
/// ends with (`.internal` or `internal` both match `vllm.internal`).
bool bypassesProxy(const std::string& no_proxy, const std::string& host) {
  const auto name = lowercase(host);
  std::size_t start = 0;
  while (start <= no_proxy.size()) {
    auto end = no_proxy.find(',', start);
    if (end == std::string::npos) end = no_proxy.size();
    auto entry = lowercase(no_proxy.substr(start, end - start));
    entry.erase(0, entry.find_first_not_of(" \t"));
    entry.erase(entry.find_last_not_of(" \t") + 1);
    start = end + 1;
    if (entry.empty()) continue;
    if (entry == "*" || entry == name) return true;
    if (entry.front() != '.') entry.insert(entry.begin(), '.');
    if (name.size() > entry.size() && name.ends_with(entry)) return true;
  }
  return false;
}

std::optional<Url> proxyFor(const config::ProviderConfig& provider, const Url& target) {
  if (provider.proxy == "none") return std::nullopt;
  if (!provider.proxy.empty()) return parseUrl(provider.proxy);

  const auto& variables = proxyEnvironment();
  const auto& configured = target.tls ? variables.https_proxy : variables.http_proxy;
  if (configured.empty() || bypassesProxy(variables.no_proxy, target.host)) return std::nullopt;
  auto proxy = parseUrl(configured);
  // TODO: proxies that take credentials (user:password@host) and https:// proxies are not
  // supported; such a proxy setting is ignored and the connection goes direct.
  if (!proxy || proxy->tls || configured.find('@') != std::string::npos) return std::nullopt;
  return proxy;
}

}  // namespace

UpstreamEndpoint endpointFor(const config::ProviderConfig& provider, const Url& url) {
  UpstreamEndpoint endpoint{url, provider.ca_file};
  endpoint.proxy = proxyFor(provider, url);
  endpoint.client_cert_file = provider.client_cert_file;
  endpoint.client_key_file = provider.client_key_file;
  return endpoint;
}

}  // namespace pointsman::http
