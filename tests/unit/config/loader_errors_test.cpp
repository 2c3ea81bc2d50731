// Invalid configs: each problem is one path-qualified error, worded as check-config prints it.

#include <pointsman/config/loader.hpp>

#include "unit/config/loader_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pointsman::config {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::errorLines;
using testing::fakeEnvironment;
using testing::kMinimalConfig;
using testing::ScratchDirectory;

std::vector<std::string> loadErrors(const std::string& yaml, const EnvironmentLookup& environment =
                                                                 fakeEnvironment()) {
  const LoadResult result = loadConfigText(yaml, "test.yaml", environment);
  EXPECT_FALSE(result.config) << "a config with errors must not be returned";
  return errorLines(result);
}

// The minimal config plus `extra`, so each test shows only the part that is wrong.
std::vector<std::string> loadErrorsWith(const std::string& extra,
                                        const EnvironmentLookup& environment = fakeEnvironment()) {
  return loadErrors(std::string(kMinimalConfig) + extra, environment);
}

TEST(ConfigErrors, ToStringJoinsPathAndMessage) {
  EXPECT_EQ((ConfigError{"server.workers", "bad"}).toString(), "server.workers: bad");
  EXPECT_EQ((ConfigError{"", "bad"}).toString(), "bad");
}

TEST(ConfigErrors, UnknownTopLevelKeyListsAllowedKeys) {
  EXPECT_THAT(loadErrorsWith("kees: []\n"),
              ElementsAre("kees: unknown key; allowed keys: server, admin, auth, providers, "
                          "models, routes, resilience, telemetry, accounting, tiers, teams, keys, "
                          "analyzers"));
}

TEST(ConfigErrors, UnknownNestedKeyListsAllowedKeys) {
  EXPECT_THAT(loadErrorsWith("server: { lisen: \"127.0.0.1:1\" }\n"),
              ElementsAre("server.lisen: unknown key; allowed keys: listen, admin_listen, tls, "
                          "admin_tls, workers, max_body_bytes, max_header_bytes, "
                          "max_connections, header_timeout_ms, body_timeout_ms, idle_timeout_ms, "
                          "drain_timeout_ms, stream_keepalive_ms"));
}

TEST(ConfigErrors, UnknownKeyDeepInsideProvider) {
  const std::vector<std::string> errors = loadErrors(R"(
providers:
  sim:
    type: openai
    base_url: "http://127.0.0.1:1"
    timeouts: { connect: 5 }
models:
  mini: { provider: sim, price: { input: 1, outptu: 2 } }
)");
  EXPECT_THAT(errors, ElementsAre(StartsWith("providers.sim.timeouts.connect: unknown key; "
                                             "allowed keys: connect_ms, response_headers_ms"),
                                  StartsWith("models.mini.price.outptu: unknown key; allowed "
                                             "keys: input, cached_input, output, cache_write")));
}

TEST(ConfigErrors, WrongTypeNamesExpectedAndActual) {
  EXPECT_THAT(loadErrorsWith("server: { workers: two }\n"),
              ElementsAre("server.workers: expected an integer, got \"two\""));
  EXPECT_THAT(loadErrorsWith("server: { workers: [1] }\n"),
              ElementsAre("server.workers: expected an integer, got a list"));
  EXPECT_THAT(loadErrorsWith("telemetry: { access_log: maybe }\n"),
              ElementsAre("telemetry.access_log: expected a boolean (true or false), got \"maybe\""));
  EXPECT_THAT(loadErrorsWith("server: { listen: { host: x } }\n"),
              ElementsAre("server.listen: expected a string, got a map"));
  EXPECT_THAT(loadErrorsWith("server: []\n"), ElementsAre("server: expected a map, got a list"));
}

TEST(ConfigErrors, NegativePriceIsRejected) {
  EXPECT_THAT(loadErrors(R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1" }
models:
  mini: { provider: sim, price: { input: -1, output: abc } }
)"),
              ElementsAre("models.mini.price.input: must be >= 0, got -1",
                          "models.mini.price.output: expected a number, got \"abc\""));
}

TEST(ConfigErrors, NumericLimitsAreChecked) {
  EXPECT_THAT(loadErrorsWith("server: { max_connections: 0, workers: -1 }\n"),
              ElementsAre("server.workers: must be >= 0, got -1",
                          "server.max_connections: must be > 0, got 0"));
}

TEST(ConfigErrors, UnsetVariableNamesPathAndFix) {
  EXPECT_THAT(loadErrors(R"(
providers:
  openai: { type: openai, base_url: "https://api.openai.com/v1", api_key: "${OPENAI_API_KEY}" }
models:
  mini: { provider: openai }
)"),
              ElementsAre("providers.openai.api_key: environment variable OPENAI_API_KEY is not "
                          "set; set it or write ${OPENAI_API_KEY:-}"));
}

TEST(ConfigErrors, UnterminatedReferenceIsError) {
  EXPECT_THAT(loadErrorsWith("server: { listen: \"127.0.0.1:${PORT\" }\n"),
              ElementsAre(StartsWith("server.listen: unterminated \"${\" at character 11")));
}

TEST(ConfigErrors, YamlSyntaxErrorHasLineAndColumn) {
  const std::vector<std::string> errors = loadErrors("server:\n  listen: [1, 2\nmodels: {}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], StartsWith("invalid YAML in test.yaml at line "));
  EXPECT_THAT(errors[0], HasSubstr(", column "));
}

TEST(ConfigErrors, YamlSyntaxErrorLineIsOneBased) {
  const std::vector<std::string> errors = loadErrors("a: 1\nb: [\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("line 3"));
}

TEST(ConfigErrors, EmptyFileNeedsADeployment) {
  EXPECT_THAT(loadErrors(""), ElementsAre("models: at least one deployment is required"));
  EXPECT_THAT(loadErrors("models: {}\n"), ElementsAre("models: at least one deployment is required"));
}

TEST(ConfigErrors, TopLevelMustBeAMap) {
  EXPECT_THAT(loadErrors("- a\n- b\n"),
              ElementsAre(StartsWith("expected a map of sections")));
}

TEST(ConfigErrors, UnknownProviderNamesDefinedOnes) {
  EXPECT_THAT(loadErrors(R"(
providers:
  openai: { type: openai, base_url: "https://api.openai.com/v1" }
  sim: { type: openai, base_url: "http://127.0.0.1:1" }
models:
  mini: { provider: opnai }
)"),
              ElementsAre("models.mini.provider: unknown provider \"opnai\"; defined providers: "
                          "openai, sim"));
}

TEST(ConfigErrors, MissingProviderOnDeployment) {
  EXPECT_THAT(loadErrorsWith("  other: { model: x }\n"),
              ElementsAre("models.other.provider: missing; defined providers: sim"));
}

TEST(ConfigErrors, UnknownDeploymentInRouteNamesDefinedOnes) {
  EXPECT_THAT(loadErrors(R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1" }
models:
  mini: { provider: sim }
  sonnet: { provider: sim }
  local: { provider: sim }
routes:
  auto: { use: [mini, gpt5] }
)"),
              ElementsAre("routes.auto.use[1]: unknown deployment \"gpt5\"; defined deployments: "
                          "local, mini, sonnet"));
}

TEST(ConfigErrors, RouteNeedsDeployments) {
  EXPECT_THAT(loadErrorsWith("routes:\n  empty: { use: [] }\n  none: {}\n"),
              ElementsAre("routes.empty.use: must list at least one deployment",
                          StartsWith("routes.none.use: missing; list the deployments")));
}

TEST(ConfigErrors, RouteNamedLikeDeploymentIsAmbiguous) {
  EXPECT_THAT(loadErrorsWith("routes:\n  mini: { use: [mini] }\n"),
              ElementsAre(StartsWith("routes.mini: route name is also a deployment name")));
}

TEST(ConfigErrors, PublicAdminListenerNeedsToken) {
  EXPECT_THAT(loadErrorsWith("server: { admin_listen: \"0.0.0.0:9090\" }\n"),
              ElementsAre("admin.token: required when admin_listen is not a loopback address "
                          "(0.0.0.0:9090); set it, e.g. token: \"${POINTSMAN_ADMIN_TOKEN}\""));
}

TEST(ConfigErrors, UnsetAdminTokenVariableIsOneError) {
  EXPECT_THAT(loadErrorsWith("server: { admin_listen: \"0.0.0.0:9090\" }\n"
                             "admin: { token: \"${POINTSMAN_ADMIN_TOKEN}\" }\n"),
              ElementsAre(StartsWith("admin.token: environment variable POINTSMAN_ADMIN_TOKEN is "
                                     "not set")));
}

TEST(ConfigErrors, InvalidListenAddress) {
  EXPECT_THAT(loadErrorsWith("server: { listen: \"127.0.0.1:99999\", admin_listen: nope }\n"),
              ElementsAre(StartsWith("server.listen: invalid address \"127.0.0.1:99999\"; "
                                     "expected HOST:PORT"),
                          StartsWith("server.admin_listen: invalid address \"nope\"")));
}

TEST(ConfigErrors, UnsupportedAuthListsSupportedValues) {
  EXPECT_THAT(loadErrorsWith("auth: oauth\n"),
              ElementsAre("auth: unsupported value \"oauth\"; supported values: none, keys"));
}

TEST(ConfigErrors, ProviderFieldsAreValidated) {
  EXPECT_THAT(loadErrors(R"(
providers:
  "bad name": { type: openai, base_url: "http://127.0.0.1:1" }
  a: { type: gemini, base_url: "ftp://x" }
  b: { type: openai, base_url: "https://x/v1?key=1" }
  c: { type: openai }
  d: { base_url: "http://:80" }
models:
  mini: { provider: a }
)"),
              ElementsAre(
                  "providers.bad name: invalid provider name; use letters, digits, '_', '.' and '-'",
                  "providers.a.type: unsupported value \"gemini\"; supported values: openai, "
                  "anthropic, azure_openai",
                  "providers.a.base_url: invalid URL \"ftp://x\": must start with http:// or "
                  "https://",
                  "providers.b.base_url: invalid URL \"https://x/v1?key=***\": must not contain a "
                  "query or fragment",
                  StartsWith("providers.c.base_url: missing;"),
                  "providers.d.type: missing; supported values: openai, anthropic, azure_openai",
                  "providers.d.base_url: invalid URL \"http://:80\": has no host"));
}

TEST(ConfigErrors, EmptyProviderStillNeedsTypeAndUrl) {
  EXPECT_THAT(loadErrors("providers:\n  sim:\nmodels:\n  mini: { provider: sim }\n"),
              ElementsAre(StartsWith("providers.sim.type: missing;"),
                          StartsWith("providers.sim.base_url: missing;")));
}

TEST(ConfigErrors, ApiKeyAndApiKeyFileTogether) {
  const ScratchDirectory dir;
  const std::string keyFile = dir.write("key.txt", "k");
  EXPECT_THAT(loadErrors(R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1", api_key: k, api_key_file: ")" + keyFile +
                         R"(" }
models:
  mini: { provider: sim }
)"),
              ElementsAre("providers.sim.api_key_file: cannot be used together with api_key; set "
                          "only one of them"));
}

TEST(ConfigErrors, UnreadableFilesAreReported) {
  const ScratchDirectory dir;
  const std::string missing = dir.pathOf("missing.pem");
  EXPECT_THAT(loadErrors(R"(
server:
  tls: { cert_file: ")" + missing + R"(" }
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1", api_key_file: ")" + missing +
                         R"(", ca_file: ")" + missing + R"(" }
models:
  mini: { provider: sim }
)"),
              ElementsAre("server.tls.cert_file: cannot read \"" + missing +
                              "\": No such file or directory",
                          "server.tls.key_file: missing; TLS needs both cert_file and key_file",
                          "providers.sim.api_key_file: cannot read \"" + missing +
                              "\": No such file or directory",
                          "providers.sim.ca_file: cannot read \"" + missing +
                              "\": No such file or directory"));
}

TEST(ConfigErrors, HeadersAreValidated) {
  EXPECT_THAT(loadErrors(R"(
providers:
  sim:
    type: openai
    base_url: "http://127.0.0.1:1"
    headers: { "bad header": x, X-Ok: "a${NL}b" }
    forward_headers: ["x team"]
models:
  mini: { provider: sim }
)",
                         fakeEnvironment({{"NL", "\r\n"}})),
              ElementsAre(StartsWith("providers.sim.headers.bad header: invalid header name"),
                          "providers.sim.headers.X-Ok: header value must not contain CR, LF or NUL",
                          "providers.sim.forward_headers[0]: invalid header name \"x team\""));
}

TEST(ConfigErrors, UnknownCapabilityAndLogLevel) {
  EXPECT_THAT(loadErrors(R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1" }
models:
  mini: { provider: sim, capabilities: [tools, audio] }
telemetry: { log_level: verbose }
)"),
              ElementsAre("models.mini.capabilities[1]: unknown capability \"audio\"; supported "
                          "values: tools, vision, json, embeddings",
                          "telemetry.log_level: unknown level \"verbose\"; supported values: "
                          "trace, debug, info, warn, error, critical, off"));
}

TEST(ConfigErrors, DuplicateKeysAreReported) {
  EXPECT_THAT(loadErrorsWith("server:\n  workers: 1\n  workers: 2\n"),
              ElementsAre("server.workers: duplicate key; each key may appear once"));
  EXPECT_THAT(loadErrorsWith("  mini: { provider: sim }\n"),
              ElementsAre("models.mini: duplicate key; each name may appear once"));
}

TEST(ConfigErrors, SeveralErrorsAreAllReported) {
  const std::vector<std::string> errors = loadErrors(R"(
server:
  lisen: "127.0.0.1:8080"
  workers: two
  admin_listen: "0.0.0.0:9090"
providers:
  openai: { type: openai, base_url: "https://api.openai.com/v1", api_key: "${OPENAI_API_KEY}" }
models:
  mini: { provider: opnai, price: { input: -1 } }
routes:
  auto: { use: [gpt5] }
)");
  EXPECT_THAT(errors, Contains("server.lisen: unknown key; allowed keys: listen, admin_listen, "
                               "tls, admin_tls, workers, max_body_bytes, max_header_bytes, "
                               "max_connections, header_timeout_ms, body_timeout_ms, "
                               "idle_timeout_ms, drain_timeout_ms, stream_keepalive_ms"));
  EXPECT_THAT(errors, Contains("server.workers: expected an integer, got \"two\""));
  EXPECT_THAT(errors, Contains(StartsWith("providers.openai.api_key: environment variable")));
  EXPECT_THAT(errors, Contains(StartsWith("models.mini.provider: unknown provider \"opnai\"")));
  EXPECT_THAT(errors, Contains("models.mini.price.input: must be >= 0, got -1"));
  EXPECT_THAT(errors, Contains(StartsWith("routes.auto.use[0]: unknown deployment \"gpt5\"")));
  EXPECT_THAT(errors, Contains(StartsWith("admin.token: required when admin_listen")));
  EXPECT_EQ(errors.size(), 7u);
}

TEST(ConfigErrors, MissingConfigFileIsOneErrorWithoutPath) {
  const ScratchDirectory dir;
  const std::string path = dir.pathOf("absent.yaml");
  const LoadResult result = loadConfigFile(path, fakeEnvironment());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].path, "");
  EXPECT_EQ(result.errors[0].message,
            "cannot read config file \"" + path + "\": No such file or directory");
}

TEST(ConfigErrors, SecretValuesNeverAppearInErrors) {
  const std::vector<std::string> errors = loadErrors(R"(
admin: { token: "tok-SECRET" }
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1", api_key: "sk-SECRET", headers: { X-Key: "h-SECRET" }, bogus: 1 }
models:
  mini: { provider: sim }
)");
  ASSERT_FALSE(errors.empty());
  for (const std::string& error : errors) {
    EXPECT_THAT(error, ::testing::Not(HasSubstr("SECRET")));
  }
}

}  // namespace
}  // namespace pointsman::config
