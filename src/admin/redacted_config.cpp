#include <pointsman/admin/redacted_config.hpp>

#include <pointsman/telemetry/redact.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::admin {
namespace {

using nlohmann::json;

json secretJson(const config::Secret& secret) { return secret.empty() ? json(nullptr) : json(secret.redacted()); }

std::string providerTypeName(config::ProviderType type) {
  switch (type) {
    case config::ProviderType::OpenAi: return "openai";
    case config::ProviderType::Anthropic: return "anthropic";
    case config::ProviderType::AzureOpenAi: return "azure_openai";
  }
  return "openai";
}

json providerJson(const config::ProviderConfig& provider) {
  json headers = json::object();
  for (const auto& [name, value] : provider.headers) headers[name] = secretJson(value);
  const auto& timeouts = provider.timeouts;
  json api_keys = json::array();
  for (const auto& entry : provider.api_keys) api_keys.push_back({{"key", secretJson(entry.key)}, {"weight", entry.weight}});
  return {{"type", providerTypeName(provider.type)},
          {"api_keys", std::move(api_keys)},
          {"base_url", telemetry::redactUrl(provider.base_url)},
          {"api_key", secretJson(provider.api_key)},
          {"enabled", provider.enabled},
          {"headers", std::move(headers)},
          {"forward_headers", provider.forward_headers},
          {"tags", provider.tags},
          {"ca_file", provider.ca_file},
          {"client_cert_file", provider.client_cert_file},
          {"proxy", telemetry::redactUrl(provider.proxy)},
          {"timeouts",
           {{"connect_ms", timeouts.connect.count()},
            {"response_headers_ms", timeouts.response_headers.count()},
            {"first_token_ms", timeouts.first_token.count()},
            {"idle_ms", timeouts.idle.count()},
            {"total_ms", timeouts.total.count()}}},
          {"max_idle_connections", provider.max_idle_connections},
          {"max_response_bytes", provider.max_response_bytes}};
}

json deploymentJson(const config::DeploymentConfig& deployment) {
  // The effective prices: cached input and cache writes default to the input price.
  const auto& price_config = deployment.price;
  json price = {{"input", price_config.input},
                {"cached_input", price_config.cached_input.value_or(price_config.input)},
                {"output", price_config.output},
                {"cache_write", price_config.cache_write.value_or(price_config.input)}};
  return {{"provider", deployment.provider},
          {"model", deployment.model},
          {"price", std::move(price)},
          {"context", deployment.context},
          {"capabilities", deployment.capabilities},
          {"tags", deployment.tags}};
}

json serverJson(const config::ServerConfig& server) {
  return {{"listen", server.listen},
          {"admin_listen", server.admin_listen},
          {"tls", server.tls.has_value()},
          {"admin_tls", server.admin_tls.has_value()},
          {"workers", server.workers},
          {"max_body_bytes", server.max_body_bytes},
          {"max_header_bytes", server.max_header_bytes},
          {"max_connections", server.max_connections},
          {"header_timeout_ms", server.header_timeout.count()},
          {"body_timeout_ms", server.body_timeout.count()},
          {"idle_timeout_ms", server.idle_timeout.count()},
          {"drain_timeout_ms", server.drain_timeout.count()},
          {"stream_keepalive_ms", server.stream_keepalive.count()}};
}

json retryJson(const config::RetryConfig& retry) {
  return {{"max_attempts_per_deployment", retry.max_attempts_per_deployment},
          {"max_total_attempts", retry.max_total_attempts},
          {"base_backoff_ms", retry.base_backoff.count()},
          {"max_backoff_ms", retry.max_backoff.count()},
          {"retry_same_on_429", retry.retry_same_on_429},
          {"failover_on_content_filter", retry.failover_on_content_filter},
          {"max_retry_after_ms", retry.max_retry_after.count()}};
}

json resilienceJson(const config::ResilienceConfig& resilience) {
  const auto& breaker = resilience.breaker;
  return {{"retry", retryJson(resilience.retry)},
          {"breaker",
           {{"consecutive_failures", breaker.consecutive_failures},
            {"failure_rate", breaker.failure_rate},
            {"min_requests", breaker.min_requests},
            {"cool_down_ms", breaker.cool_down.count()},
            {"max_probes", breaker.max_probes}}},
          {"max_in_flight", resilience.max_in_flight},
          {"request_timeout_ms", resilience.request_timeout.count()}};
}

}  // namespace

json redactedConfigJson(const config::Config& config) {
  json providers = json::object();
  for (const auto& [name, provider] : config.providers) providers[name] = providerJson(provider);
  json models = json::object();
  for (const auto& [name, deployment] : config.models) models[name] = deploymentJson(deployment);
  json routes = json::object();
  for (const auto& [name, route] : config.routes) {
    routes[name] = {{"use", route.use},
                    {"timeout_ms", route.timeout.count()},
                    {"balance", route.balance.empty() ? json(nullptr) : json(route.balance)},
                    {"weights", route.weights},
                    {"retry", route.retry ? retryJson(*route.retry) : json(nullptr)}};
  }

  return {{"server", serverJson(config.server)},
          {"admin", {{"token", secretJson(config.admin.token)}}},
          {"auth", "none"},
          {"providers", std::move(providers)},
          {"models", std::move(models)},
          {"routes", std::move(routes)},
          {"resilience", resilienceJson(config.resilience)},
          {"telemetry",
           {{"log_level", config.telemetry.log_level},
            {"access_log", config.telemetry.access_log},
            {"request_log", config.telemetry.request_log}}},
          {"source_path", config.source_path}};
}

}  // namespace pointsman::admin
