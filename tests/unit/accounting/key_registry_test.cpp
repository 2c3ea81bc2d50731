// Loading keys, tiers and teams from YAML, and finding the principal for a presented key.

#include <pointsman/accounting/key_registry.hpp>
#include <pointsman/config/loader.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pointsman::accounting {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kBase = R"(
providers: { sim: { type: openai, base_url: "http://127.0.0.1:1/v1" } }
models: { mini: { provider: sim }, big: { provider: sim } }
routes: { fast: { use: [mini] }, smart: { use: [big, mini] } }
)";

config::LoadResult load(const std::string& extra) {
  return config::loadConfigText(kBase + extra, "", [](std::string_view) { return std::nullopt; });
}

std::vector<std::string> errorsOf(const config::LoadResult& result) {
  std::vector<std::string> lines;
  for (const auto& error : result.errors) lines.push_back(error.toString());
  return lines;
}

TEST(KeyConfig, KeysImplyKeyAuth) {
  const auto result = load("keys: [{ name: a, key_sha256: \"" + sha256Hex("sk-a") + "\" }]\n");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorsOf(result));
  EXPECT_EQ(result.config->auth, config::AuthMode::Keys);
  EXPECT_EQ(load("").config->auth, config::AuthMode::None);
}

TEST(KeyConfig, RawKeyInsteadOfDigestRejected) {
  EXPECT_THAT(errorsOf(load("keys: [{ name: a, key_sha256: sk-a }]\n")),
              ElementsAre("keys[0].key_sha256: expected 64 lower-case hex digits (a SHA-256), never the key itself"));
}

TEST(KeyConfig, UnknownTierTeamAndRouteNamed) {
  const auto errors = errorsOf(load("keys: [{ name: a, key_sha256: \"" + sha256Hex("sk-a") +
                                    "\", tier: gold, team: x, routes: [nope] }]\n"));
  EXPECT_THAT(errors, ElementsAre("keys[0].tier: unknown tier \"gold\"; defined tiers: none",
                                  "keys[0].team: unknown team \"x\"; defined teams: none",
                                  "keys[0].routes: unknown route \"nope\"; defined routes: fast, smart"));
}

TEST(KeyConfig, BudgetPeriodValidated) {
  EXPECT_THAT(errorsOf(load("tiers: { free: { budget: { usd: 1, per: week } } }\n")),
              ElementsAre("tiers.free.budget.per: unknown period \"week\"; supported values: day, month, total"));
  EXPECT_THAT(errorsOf(load("teams: { ml: { budget: { per: day } } }\n")),
              ElementsAre(HasSubstr("teams.ml.budget.usd: missing")));
}

TEST(KeyConfig, StoreSettingsRead) {
  const auto result = load(R"(accounting: { store: redis, redis: { address: "127.0.0.1:7000", fail_open: true }, default_max_tokens: 100 }
)");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorsOf(result));
  EXPECT_EQ(result.config->accounting.store, config::AccountingStoreKind::Redis);
  EXPECT_EQ(result.config->accounting.redis.address, "127.0.0.1:7000");
  EXPECT_TRUE(result.config->accounting.redis.fail_open);
  EXPECT_EQ(result.config->accounting.default_max_tokens, 100);
  EXPECT_THAT(errorsOf(load("accounting: { store: sqlite }\n")),
              ElementsAre(HasSubstr("accounting.sqlite_path: missing")));
}

TEST(KeyRegistry, KeyInheritsTierDefaults) {
  const auto result = load("tiers: { free: { rpm: 60, tpm: 1000, total_rpm: 600, routes: [fast], budget: { usd: 5 } } }\n"
                           "teams: { ml: { budget: { usd: 100, per: month } } }\n"
                           "keys: [{ name: a, key_sha256: \"" + sha256Hex("sk-a") +
                           "\", tier: free, team: ml, rpm: 10, labels: { env: prod } }]\n");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(errorsOf(result));
  const auto registry = KeyRegistry::build(*result.config, {});
  const Principal* principal = registry->find("sk-a");
  ASSERT_NE(principal, nullptr);
  EXPECT_EQ(principal->key_name, "a");
  EXPECT_EQ(principal->limits.rpm, 10);
  EXPECT_EQ(principal->limits.tpm, 1000);
  EXPECT_EQ(principal->tier_rpm, 600);
  ASSERT_TRUE(principal->limits.budget);
  EXPECT_EQ(principal->limits.budget->per, config::BudgetPeriod::Day);
  ASSERT_TRUE(principal->team_budget);
  EXPECT_DOUBLE_EQ(principal->team_budget->usd, 100);
  EXPECT_TRUE(principal->allowsRoute("fast"));
  EXPECT_FALSE(principal->allowsRoute("smart"));
  EXPECT_EQ(principal->labels.at("env"), "prod");
  EXPECT_EQ(registry->find("sk-b"), nullptr);
  EXPECT_EQ(registry->find(""), nullptr);
}

TEST(KeyRegistry, YamlKeyWinsNameClash) {
  const auto result = load("keys: [{ name: a, key_sha256: \"" + sha256Hex("sk-yaml") + "\" }]\n");
  ASSERT_TRUE(result.ok());
  StoredKey stored;
  stored.key.name = "a";
  stored.key.key_sha256 = sha256Hex("sk-stored");
  StoredKey other;
  other.key.name = "b";
  other.key.key_sha256 = sha256Hex("sk-b");
  const auto registry = KeyRegistry::build(*result.config, {stored, other});
  EXPECT_NE(registry->find("sk-yaml"), nullptr);
  EXPECT_EQ(registry->find("sk-stored"), nullptr);
  ASSERT_NE(registry->find("sk-b"), nullptr);
  EXPECT_TRUE(registry->find("sk-b")->from_admin_api);
}

TEST(PresentedKey, BearerThenApiKeyHeader) {
  EXPECT_EQ(presentedKey("Bearer sk-1", "sk-2"), "sk-1");
  EXPECT_EQ(presentedKey("", "sk-2"), "sk-2");
  EXPECT_EQ(presentedKey("Basic abc", ""), "");
  EXPECT_EQ(presentedKey("Bearer ", ""), "");
}

TEST(Sha256Hex, MatchesKnownDigest) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace pointsman::accounting
