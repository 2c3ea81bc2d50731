// Loading valid configs: every field reaches the structs, defaults apply, `${VAR}` expands and
// the non-fatal findings become warnings.

#include <pointsman/config/loader.hpp>

#include "unit/config/loader_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pointsman::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::errorLines;
using testing::fakeEnvironment;
using testing::kMinimalConfig;
using testing::ScratchDirectory;

std::string fullConfig(const ScratchDirectory& dir) {
  const std::string cert = dir.write("cert.pem", "cert");
  const std::string key = dir.write("key.pem", "key");
  const std::string ca = dir.write("ca.pem", "ca");
  const std::string keyFile = dir.write("anthropic.key", "sk-ant-from-file \n\n");
  return R"(
server:
  listen: "0.0.0.0:${PORT:-8080}"
  admin_listen: "[::1]:9091"
  tls: { cert_file: ")" + cert + R"(", key_file: ")" + key + R"(" }
  admin_tls: { cert_file: ")" + cert + R"(", key_file: ")" + key + R"(" }
  workers: 4
  max_body_bytes: 1048576
  max_header_bytes: 8192
  max_connections: 500
  header_timeout_ms: 1000
  body_timeout_ms: 2000
  idle_timeout_ms: 3000
  drain_timeout_ms: 0
  stream_keepalive_ms: 5000
admin:
  token: "${ADMIN_TOKEN}"
auth: none
providers:
  openai:
    type: openai
    base_url: "https://api.openai.com/v1/"
    api_key: "${OPENAI_API_KEY:-}"
    headers: { OpenAI-Organization: "org-${ORG}" }
    forward_headers: [X-Team, traceparent]
    tags: [cloud, us]
    ca_file: ")" + ca + R"("
    timeouts: { connect_ms: 100, response_headers_ms: 200, first_token_ms: 300, idle_ms: 400, total_ms: 500 }
    max_idle_connections: 0
    max_response_bytes: 1000
  anthropic:
    type: anthropic
    base_url: https://api.anthropic.com
    api_key_file: ")" + keyFile + R"("
  azure.eu-1:
    type: azure_openai
    base_url: https://example.openai.azure.com/openai/v1
models:
  mini:
    provider: openai
    model: gpt-4o-mini
    price: { input: 0.15, cached_input: 0.075, output: 0.60, cache_write: 0.2 }
    context: 128000
    capabilities: [tools, vision, json]
    tags: [cheap]
  sonnet: { provider: anthropic, model: claude-sonnet-4-5, price: { input: 3, output: 15 } }
  embed: { provider: azure.eu-1, capabilities: [embeddings] }
routes:
  fast: { use: [mini, sonnet] }
telemetry:
  log_level: debug
  access_log: false
  request_log: "-"
)";
}

TEST(ConfigLoader, FullConfigFillsEveryField) {
  const ScratchDirectory dir;
  const LoadResult result =
      loadConfigText(fullConfig(dir), "full.yaml",
                     fakeEnvironment({{"ADMIN_TOKEN", "admin-secret"},
                                      {"OPENAI_API_KEY", "sk-openai"},
                                      {"ORG", "acme"}}));
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  ASSERT_TRUE(result.config);
  const Config& config = *result.config;
  EXPECT_EQ(config.source_path, "full.yaml");

  const ServerConfig& server = config.server;
  EXPECT_EQ(server.listen, "0.0.0.0:8080");
  EXPECT_EQ(server.admin_listen, "[::1]:9091");
  ASSERT_TRUE(server.tls);
  EXPECT_EQ(server.tls->cert_file, dir.pathOf("cert.pem"));
  EXPECT_EQ(server.tls->key_file, dir.pathOf("key.pem"));
  ASSERT_TRUE(server.admin_tls);
  EXPECT_EQ(server.admin_tls->cert_file, dir.pathOf("cert.pem"));
  EXPECT_EQ(server.workers, 4);
  EXPECT_EQ(server.max_body_bytes, 1048576u);
  EXPECT_EQ(server.max_header_bytes, 8192u);
  EXPECT_EQ(server.max_connections, 500u);
  EXPECT_EQ(server.header_timeout, Milliseconds(1000));
  EXPECT_EQ(server.body_timeout, Milliseconds(2000));
  EXPECT_EQ(server.idle_timeout, Milliseconds(3000));
  EXPECT_EQ(server.drain_timeout, Milliseconds(0));
  EXPECT_EQ(server.stream_keepalive, Milliseconds(5000));

  EXPECT_EQ(config.admin.token.reveal(), "admin-secret");
  EXPECT_EQ(config.auth, AuthMode::None);

  EXPECT_EQ(config.telemetry.log_level, "debug");
  EXPECT_FALSE(config.telemetry.access_log);
  EXPECT_EQ(config.telemetry.request_log, "-");
  EXPECT_THAT(result.warnings, IsEmpty());
}

TEST(ConfigLoader, FullConfigFillsProviders) {
  const ScratchDirectory dir;
  const LoadResult result =
      loadConfigText(fullConfig(dir), "full.yaml",
                     fakeEnvironment({{"ADMIN_TOKEN", "t"}, {"OPENAI_API_KEY", "sk-openai"},
                                      {"ORG", "acme"}}));
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  const auto& providers = result.config->providers;
  ASSERT_EQ(providers.size(), 3u);

  const ProviderConfig& openai = providers.at("openai");
  EXPECT_EQ(openai.name, "openai");
  EXPECT_EQ(openai.type, ProviderType::OpenAi);
  EXPECT_EQ(openai.base_url, "https://api.openai.com/v1");
  EXPECT_EQ(openai.api_key.reveal(), "sk-openai");
  EXPECT_TRUE(openai.api_key_configured);
  EXPECT_TRUE(openai.enabled);
  ASSERT_EQ(openai.headers.count("OpenAI-Organization"), 1u);
  EXPECT_EQ(openai.headers.at("OpenAI-Organization").reveal(), "org-acme");
  EXPECT_THAT(openai.forward_headers, ElementsAre("x-team", "traceparent"));
  EXPECT_EQ(openai.tags, (std::set<std::string>{"cloud", "us"}));
  EXPECT_EQ(openai.ca_file, dir.pathOf("ca.pem"));
  EXPECT_EQ(openai.timeouts.connect, Milliseconds(100));
  EXPECT_EQ(openai.timeouts.response_headers, Milliseconds(200));
  EXPECT_EQ(openai.timeouts.first_token, Milliseconds(300));
  EXPECT_EQ(openai.timeouts.idle, Milliseconds(400));
  EXPECT_EQ(openai.timeouts.total, Milliseconds(500));
  EXPECT_EQ(openai.max_idle_connections, 0u);
  EXPECT_EQ(openai.max_response_bytes, 1000u);

  const ProviderConfig& anthropic = providers.at("anthropic");
  EXPECT_EQ(anthropic.type, ProviderType::Anthropic);
  EXPECT_EQ(anthropic.api_key_file, dir.pathOf("anthropic.key"));
  EXPECT_EQ(anthropic.api_key.reveal(), "sk-ant-from-file");
  EXPECT_TRUE(anthropic.api_key_configured);
  EXPECT_TRUE(anthropic.enabled);

  const ProviderConfig& azure = providers.at("azure.eu-1");
  EXPECT_EQ(azure.type, ProviderType::AzureOpenAi);
  EXPECT_FALSE(azure.api_key_configured);
  EXPECT_TRUE(azure.enabled);
  EXPECT_EQ(azure.max_idle_connections, 64u);
  EXPECT_EQ(azure.timeouts.connect, Milliseconds(5000));
}

TEST(ConfigLoader, FullConfigFillsDeploymentsAndRoutes) {
  const ScratchDirectory dir;
  const LoadResult result = loadConfigText(
      fullConfig(dir), "full.yaml",
      fakeEnvironment({{"ADMIN_TOKEN", "t"}, {"OPENAI_API_KEY", "k"}, {"ORG", "o"}}));
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  const Config& config = *result.config;

  const DeploymentConfig& mini = config.models.at("mini");
  EXPECT_EQ(mini.name, "mini");
  EXPECT_EQ(mini.provider, "openai");
  EXPECT_EQ(mini.model, "gpt-4o-mini");
  EXPECT_DOUBLE_EQ(mini.price.input, 0.15);
  EXPECT_EQ(mini.price.cached_input, 0.075);
  EXPECT_DOUBLE_EQ(mini.price.output, 0.60);
  EXPECT_EQ(mini.price.cache_write, 0.2);
  EXPECT_EQ(mini.context, 128000u);
  EXPECT_EQ(mini.capabilities, (std::set<std::string>{"tools", "vision", "json"}));
  EXPECT_EQ(mini.tags, (std::set<std::string>{"cheap"}));

  const DeploymentConfig& sonnet = config.models.at("sonnet");
  EXPECT_FALSE(sonnet.price.cached_input.has_value());
  EXPECT_FALSE(sonnet.price.cache_write.has_value());

  const DeploymentConfig& embed = config.models.at("embed");
  EXPECT_EQ(embed.model, "embed");
  EXPECT_EQ(embed.context, 0u);

  ASSERT_EQ(config.routes.size(), 1u);
  EXPECT_EQ(config.routes.at("fast").name, "fast");
  EXPECT_THAT(config.routes.at("fast").use, ElementsAre("mini", "sonnet"));
}

TEST(ConfigLoader, MinimalConfigKeepsDefaults) {
  const LoadResult result = loadConfigText(kMinimalConfig, "", fakeEnvironment());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  const Config& config = *result.config;
  const ServerConfig defaults;

  EXPECT_EQ(config.server.listen, defaults.listen);
  EXPECT_EQ(config.server.admin_listen, defaults.admin_listen);
  EXPECT_FALSE(config.server.tls);
  EXPECT_EQ(config.server.max_body_bytes, defaults.max_body_bytes);
  EXPECT_EQ(config.server.header_timeout, defaults.header_timeout);
  EXPECT_EQ(config.auth, AuthMode::None);
  EXPECT_TRUE(config.routes.empty());
  EXPECT_EQ(config.telemetry.log_level, "info");
  EXPECT_TRUE(config.telemetry.access_log);
  EXPECT_EQ(config.models.at("mini").model, "mini");
  EXPECT_EQ(config.providers.at("sim").base_url, "http://127.0.0.1:1/v1");
  EXPECT_FALSE(config.providers.at("sim").api_key_configured);
}

TEST(ConfigLoader, VariablesExpandBeforeTypeConversion) {
  const std::string yaml = std::string(kMinimalConfig) + R"(
server:
  workers: ${WORKERS}
  max_connections: ${MAX_CONNECTIONS:-77}
telemetry:
  access_log: ${ACCESS_LOG:-false}
)";
  const LoadResult result = loadConfigText(yaml, "", fakeEnvironment({{"WORKERS", "3"}}));
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  EXPECT_EQ(result.config->server.workers, 3);
  EXPECT_EQ(result.config->server.max_connections, 77u);
  EXPECT_FALSE(result.config->telemetry.access_log);
}

TEST(ConfigLoader, DoubleDollarInYamlIsLiteralDollar) {
  const std::string yaml = std::string(kMinimalConfig) + R"(
admin:
  token: "pa$$word${SUFFIX:-}"
)";
  const LoadResult result = loadConfigText(yaml, "", fakeEnvironment());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  EXPECT_EQ(result.config->admin.token.reveal(), "pa$word");
}

TEST(ConfigLoader, EmptyKeyFromVariableDisablesProvider) {
  const LoadResult result = loadConfigText(R"(
providers:
  openai: { type: openai, base_url: "https://api.openai.com/v1", api_key: "${OPENAI_API_KEY:-}" }
  sim: { type: openai, base_url: "http://127.0.0.1:1" }
models:
  mini: { provider: openai }
  local: { provider: sim }
admin: { token: t }
)",
                                           "", fakeEnvironment());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  const ProviderConfig& openai = result.config->providers.at("openai");
  EXPECT_TRUE(openai.api_key_configured);
  EXPECT_FALSE(openai.enabled);
  EXPECT_TRUE(result.config->providers.at("sim").enabled);
  EXPECT_THAT(result.warnings,
              ElementsAre("provider \"openai\" disabled: its api_key is empty (set "
                          "OPENAI_API_KEY to enable it)"));
}

TEST(ConfigLoader, LiteralEmptyKeyDisablesProviderWithoutHint) {
  const LoadResult result = loadConfigText(R"(
providers:
  openai: { type: openai, base_url: "https://api.openai.com/v1", api_key: "" }
models:
  mini: { provider: openai }
admin: { token: t }
)",
                                           "", fakeEnvironment());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  EXPECT_FALSE(result.config->providers.at("openai").enabled);
  EXPECT_THAT(result.warnings, ElementsAre("provider \"openai\" disabled: its api_key is empty"));
}

TEST(ConfigLoader, RouteOfDisabledProvidersOnlyWarns) {
  const LoadResult result = loadConfigText(R"(
providers:
  openai: { type: openai, base_url: "https://api.openai.com/v1", api_key: "${OPENAI_API_KEY:-}" }
  sim: { type: openai, base_url: "http://127.0.0.1:1" }
models:
  mini: { provider: openai }
  local: { provider: sim }
routes:
  cloud: { use: [mini] }
  mixed: { use: [mini, local] }
admin: { token: t }
)",
                                           "", fakeEnvironment());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  ASSERT_EQ(result.warnings.size(), 2u);
  EXPECT_THAT(result.warnings[1], HasSubstr("route \"cloud\" has no enabled deployment"));
}

TEST(ConfigLoader, ApiKeyFileIsReadAndTrimmed) {
  const ScratchDirectory dir;
  const std::string keyFile = dir.write("key.txt", "sk-file-key\r\n \t\n");
  const std::string yaml = R"(
providers:
  openai: { type: openai, base_url: "https://api.openai.com/v1", api_key_file: ")" +
                           keyFile + R"(" }
models:
  mini: { provider: openai }
)";
  const LoadResult result = loadConfigText(yaml, "", fakeEnvironment());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  const ProviderConfig& openai = result.config->providers.at("openai");
  EXPECT_EQ(openai.api_key.reveal(), "sk-file-key");
  EXPECT_EQ(openai.api_key_file, keyFile);
  EXPECT_TRUE(openai.enabled);
}

TEST(ConfigLoader, EmptyApiKeyFileDisablesProvider) {
  const ScratchDirectory dir;
  const std::string keyFile = dir.write("key.txt", "\n");
  const std::string yaml = R"(
providers:
  openai: { type: openai, base_url: "https://api.openai.com/v1", api_key_file: ")" +
                           keyFile + R"(" }
models:
  mini: { provider: openai }
)";
  const LoadResult result = loadConfigText(yaml, "", fakeEnvironment());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  EXPECT_FALSE(result.config->providers.at("openai").enabled);
  ASSERT_GE(result.warnings.size(), 1u);
  EXPECT_THAT(result.warnings[0], HasSubstr("provider \"openai\" disabled"));
}

TEST(ConfigLoader, LoopbackAdminWithoutTokenWarns) {
  const LoadResult result = loadConfigText(kMinimalConfig, "", fakeEnvironment());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  EXPECT_THAT(result.warnings, ElementsAre(HasSubstr("admin listener 127.0.0.1:9090 has no token")));
}

TEST(ConfigLoader, PublicAdminWithTokenLoads) {
  const std::string yaml = std::string(kMinimalConfig) + R"(
server: { admin_listen: "0.0.0.0:9090" }
admin: { token: "${POINTSMAN_ADMIN_TOKEN}" }
)";
  const LoadResult result =
      loadConfigText(yaml, "", fakeEnvironment({{"POINTSMAN_ADMIN_TOKEN", "secret"}}));
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  EXPECT_THAT(result.warnings, IsEmpty());
}

TEST(ConfigLoader, LoadConfigFileRecordsSourcePath) {
  const ScratchDirectory dir;
  const std::string path = dir.write("pointsman.yaml", kMinimalConfig);
  const LoadResult result = loadConfigFile(path, fakeEnvironment());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorLines(result));
  EXPECT_EQ(result.config->source_path, path);
}

TEST(ConfigLoader, ProcessEnvironmentReadsRealVariables) {
  ASSERT_EQ(setenv("POINTSMAN_CONFIG_TEST_VARIABLE", "value", 1), 0);
  const EnvironmentLookup environment = processEnvironment();
  EXPECT_EQ(environment("POINTSMAN_CONFIG_TEST_VARIABLE"), "value");
  EXPECT_EQ(environment("POINTSMAN_CONFIG_TEST_UNSET_VARIABLE"), std::nullopt);
  unsetenv("POINTSMAN_CONFIG_TEST_VARIABLE");
}

}  // namespace
}  // namespace pointsman::config
