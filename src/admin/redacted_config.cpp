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
  return {{"type", providerTypeName(provider.type)},
          {"base_url", telemetry::redactUrl(provider.base_url)},
          {"api_key", secretJson(provider.api_key)},
          {"enabled", provider.enabled},
          {"headers", std::move(headers)},
          {"forward_headers", provider.forward_headers},
          {"tags", provider.tags},
          {"ca_file", provider.ca_file},
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
  json price = {{"input", deployment.price.input}, {"output", deployment.price.output}};
  if (deployment.price.cached_input) price["cached_input"] = *deployment.price.cached_input;
  if (deployment.price.cache_write) price["cache_write"] = *deployment.price.cache_write;
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

}  // namespace

json redactedConfigJson(const config::Config& config) {
  json providers = json::object();
  for (const auto& [name, provider] : config.providers) providers[name] = providerJson(provider);
  json models = json::object();
  for (const auto& [name, deployment] : config.models) models[name] = deploymentJson(deployment);
  json routes = json::object();
  for (const auto& [name, route] : config.routes) routes[name] = {{"use", route.use}};

  return {{"server", serverJson(config.server)},
          {"admin", {{"token", secretJson(config.admin.token)}}},
          {"auth", "none"},
          {"providers", std::move(providers)},
          {"models", std::move(models)},
          {"routes", std::move(routes)},
          {"telemetry",
           {{"log_level", config.telemetry.log_level},
            {"access_log", config.telemetry.access_log},
            {"request_log", config.telemetry.request_log}}},
          {"source_path", config.source_path}};
}

}  // namespace pointsman::admin
