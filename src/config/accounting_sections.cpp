// The `accounting:`, `tiers:`, `teams:` and `keys:` sections. References from keys to tiers,
// teams, routes and deployments are checked in checkAccountingReferences, after every section.

#include "config/host_port.hpp"
#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace pointsman::config {

namespace {

constexpr std::array<std::string_view, 4> kAccountingKeys = {"store", "sqlite_path", "redis",
                                                             "default_max_tokens"};
constexpr std::array<std::string_view, 5> kRedisKeys = {"address", "password", "timeout_ms",
                                                        "fail_open", "key_prefix"};
constexpr std::array<std::string_view, 2> kBudgetKeys = {"usd", "per"};
constexpr std::array<std::string_view, 7> kTierKeys = {"budget", "rpm",       "tpm",      "routes",
                                                       "deployments", "total_rpm", "total_tpm"};
constexpr std::array<std::string_view, 1> kTeamKeys = {"budget"};
constexpr std::array<std::string_view, 10> kKeyKeys = {"name",   "key_sha256", "team",  "tier",
                                                       "budget", "rpm",        "tpm",   "routes",
                                                       "deployments", "labels"};

bool isLowerHexDigest(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

void readBudget(const MapReader& parent, std::optional<BudgetConfig>& out) {
  if (!parent.has("budget")) {
    return;
  }
  const MapReader reader(parent.child("budget"), parent.pathOf("budget"), kBudgetKeys,
                         parent.context());
  BudgetConfig budget;
  if (!reader.has("usd")) {
    reader.context().error(reader.pathOf("usd"), "missing; a budget needs a limit in USD, e.g. usd: 5");
    return;
  }
  reader.read("usd", budget.usd, Bound::Positive);
  std::string period = "day";
  reader.read("per", period);
  if (period == "day") {
    budget.per = BudgetPeriod::Day;
  } else if (period == "month") {
    budget.per = BudgetPeriod::Month;
  } else if (period == "total") {
    budget.per = BudgetPeriod::Total;
  } else {
    reader.context().error(reader.pathOf("per"),
                           "unknown period \"" + period + "\"; supported values: day, month, total");
    return;
  }
  out = budget;
}

void readRate(const MapReader& reader, std::string_view key, std::optional<std::int64_t>& out) {
  if (!reader.has(key)) {
    return;
  }
  int value = 0;
  const std::size_t errorsBefore = reader.context().errors.size();
  reader.read(key, value, Bound::Positive);
  if (reader.context().errors.size() == errorsBefore) {
    out = value;
  }
}

void readLimits(const MapReader& reader, AccessLimits& limits) {
  readBudget(reader, limits.budget);
  readRate(reader, "rpm", limits.rpm);
  readRate(reader, "tpm", limits.tpm);
  reader.read("routes", limits.routes);
  reader.read("deployments", limits.deployments);
}

void readLabels(const MapReader& reader, std::map<std::string, std::string>& labels) {
  if (!reader.has("labels")) {
    return;
  }
  forEachEntry(reader.child("labels"), reader.pathOf("labels"), reader.context(),
               [&](const std::string& name, const YAML::Node& value, const std::string& path) {
                 if (std::optional<std::string> text = readString(value, path, reader.context())) {
                   labels[name] = std::move(*text);
                 }
               });
}

void parseRedis(const MapReader& accounting, RedisStoreConfig& redis) {
  if (!accounting.has("redis")) {
    return;
  }
  const MapReader reader(accounting.child("redis"), accounting.pathOf("redis"), kRedisKeys,
                         accounting.context());
  std::string address;
  if (reader.read("address", address)) {
    if (parseHostPort(address)) {
      redis.address = std::move(address);
    } else {
      reader.context().error(reader.pathOf("address"),
                             "invalid address \"" + address + "\"; expected HOST:PORT, e.g. 127.0.0.1:6379");
    }
  }
  if (reader.has("password")) {
    if (std::optional<std::string> password =
            readString(reader.child("password"), reader.pathOf("password"), reader.context())) {
      redis.password = Secret(std::move(*password));
    }
  }
  reader.read("timeout_ms", redis.timeout, Bound::Positive);
  reader.read("fail_open", redis.fail_open);
  reader.read("key_prefix", redis.key_prefix);
}

void parseKey(const YAML::Node& node, const std::string& path, LoadContext& context, KeyConfig& key) {
  const MapReader reader(node, path, kKeyKeys, context);
  if (!reader.isMap()) {
    return;
  }
  if (!reader.read("name", key.name) || key.name.empty()) {
    context.error(reader.pathOf("name"), "missing; every key needs a name for logs and spend reports");
  }
  if (!reader.read("key_sha256", key.key_sha256)) {
    context.error(reader.pathOf("key_sha256"),
                  "missing; give the lower-case hex SHA-256 of the key, e.g. from "
                  "`printf %s \"$KEY\" | sha256sum`");
  } else if (!isLowerHexDigest(key.key_sha256)) {
    context.error(reader.pathOf("key_sha256"),
                  "expected 64 lower-case hex digits (a SHA-256), never the key itself");
  }
  reader.read("team", key.team);
  reader.read("tier", key.tier);
  readLimits(reader, key.limits);
  readLabels(reader, key.labels);
}

}  // namespace

void parseAccounting(const YAML::Node& node, LoadContext& context, AccountingConfig& accounting) {
  const MapReader reader(node, "accounting", kAccountingKeys, context);

  std::string store = "memory";
  reader.read("store", store);
  if (store == "memory") {
    accounting.store = AccountingStoreKind::Memory;
  } else if (store == "sqlite") {
    accounting.store = AccountingStoreKind::Sqlite;
  } else if (store == "redis") {
    accounting.store = AccountingStoreKind::Redis;
  } else {
    context.error(reader.pathOf("store"),
                  "unknown store \"" + store + "\"; supported values: memory, sqlite, redis");
  }

  reader.read("sqlite_path", accounting.sqlite_path);
  if (accounting.store == AccountingStoreKind::Sqlite && accounting.sqlite_path.empty()) {
    context.error(reader.pathOf("sqlite_path"),
                  "missing; the sqlite store needs a database file, e.g. /var/lib/pointsman/spend.db");
  }
  parseRedis(reader, accounting.redis);

  int defaultMaxTokens = static_cast<int>(accounting.default_max_tokens);
  reader.read("default_max_tokens", defaultMaxTokens, Bound::Positive);
  accounting.default_max_tokens = defaultMaxTokens;
}

void parseTiers(const YAML::Node& node, LoadContext& context, std::map<std::string, TierConfig>& tiers) {
  forEachEntry(node, "tiers", context,
               [&](const std::string& name, const YAML::Node& value, const std::string& path) {
                 TierConfig tier;
                 tier.name = name;
                 const MapReader reader(value, path, kTierKeys, context);
                 readLimits(reader, tier.limits);
                 readRate(reader, "total_rpm", tier.total_rpm);
                 readRate(reader, "total_tpm", tier.total_tpm);
                 tiers[name] = std::move(tier);
               });
}

void parseTeams(const YAML::Node& node, LoadContext& context, std::map<std::string, TeamConfig>& teams) {
  forEachEntry(node, "teams", context,
               [&](const std::string& name, const YAML::Node& value, const std::string& path) {
                 TeamConfig team;
                 team.name = name;
                 const MapReader reader(value, path, kTeamKeys, context);
                 readBudget(reader, team.budget);
                 teams[name] = std::move(team);
               });
}

void parseKeys(const YAML::Node& node, LoadContext& context, std::vector<KeyConfig>& keys) {
  if (isEmptyValue(node)) {
    return;
  }
  if (!node.IsSequence()) {
    context.error("keys", "expected a list of keys, got " + describeNode(node));
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    KeyConfig key;
    parseKey(node[i], indexPath("keys", i), context, key);
    keys.push_back(std::move(key));
  }
}

namespace {

void checkNamesExist(const std::set<std::string>& names, const std::string& path, std::string_view kind,
                     const std::vector<std::string>& defined, LoadContext& context) {
  for (const std::string& name : names) {
    if (std::find(defined.begin(), defined.end(), name) == defined.end()) {
      context.error(path, "unknown " + std::string(kind) + " \"" + name + "\"; defined " + std::string(kind) +
                              "s: " + (defined.empty() ? "none" : joinNames(defined)));
    }
  }
}

template <typename Value>
std::vector<std::string> namesOf(const std::map<std::string, Value>& entries) {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries) {
    names.push_back(name);
  }
  return names;
}

void checkLimits(const Config& config, const AccessLimits& limits, const std::string& path, LoadContext& context) {
  checkNamesExist(limits.routes, childPath(path, "routes"), "route", namesOf(config.routes), context);
  checkNamesExist(limits.deployments, childPath(path, "deployments"), "deployment", namesOf(config.models),
                  context);
}

}  // namespace

void checkAccountingReferences(const Config& config, LoadContext& context) {
  for (const auto& [name, tier] : config.tiers) {
    checkLimits(config, tier.limits, childPath("tiers", name), context);
  }
  std::set<std::string> names;
  std::set<std::string> digests;
  for (std::size_t i = 0; i < config.keys.size(); ++i) {
    const KeyConfig& key = config.keys[i];
    const std::string path = indexPath("keys", i);
    if (!key.name.empty() && !names.insert(key.name).second) {
      context.error(childPath(path, "name"), "duplicate key name \"" + key.name + "\"; names must be unique");
    }
    if (!key.key_sha256.empty() && !digests.insert(key.key_sha256).second) {
      context.error(childPath(path, "key_sha256"), "the same key is listed twice; remove one entry");
    }
    if (!key.tier.empty() && !config.tiers.contains(key.tier)) {
      checkNamesExist({key.tier}, childPath(path, "tier"), "tier", namesOf(config.tiers), context);
    }
    if (!key.team.empty() && !config.teams.contains(key.team)) {
      checkNamesExist({key.team}, childPath(path, "team"), "team", namesOf(config.teams), context);
    }
    checkLimits(config, key.limits, path, context);
  }
}

}  // namespace pointsman::config
