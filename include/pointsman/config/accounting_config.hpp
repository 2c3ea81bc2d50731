#pragma once

// The config of client keys, tiers, teams, budgets and the store that keeps spend and rate-limit
// state. Amounts are USD, rates are per minute.

#include <pointsman/config/secret.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pointsman::config {

/// The period a budget covers. Days and months are calendar periods in UTC.
enum class BudgetPeriod { Day, Month, Total };

/// "day", "month" or "total", as the config and the admin API spell the period.
[[nodiscard]] inline const char* budgetPeriodName(BudgetPeriod period) {
  switch (period) {
    case BudgetPeriod::Day: return "day";
    case BudgetPeriod::Month: return "month";
    case BudgetPeriod::Total: return "total";
  }
  return "day";
}

/// `budget:` — a spending limit, e.g. `{ usd: 5, per: day }`.
struct BudgetConfig {
  /// `usd`: the limit in USD, > 0.
  double usd = 0;
  /// `per`: `day`, `month` or `total` (never resets). Default `day`.
  BudgetPeriod per = BudgetPeriod::Day;
};

/// Limits and permissions that a tier gives its keys and that a key may override.
struct AccessLimits {
  std::optional<BudgetConfig> budget;
  /// `rpm`: requests per minute; nullopt means no limit.
  std::optional<std::int64_t> rpm;
  /// `tpm`: tokens per minute, charged on the estimate at admission and corrected to the real
  /// count afterwards; nullopt means no limit.
  std::optional<std::int64_t> tpm;
  /// `routes`: the routes a key may use; empty means every route.
  std::set<std::string> routes;
  /// `deployments`: the deployments a key may reach, named directly or through a route; empty
  /// means every deployment.
  std::set<std::string> deployments;
};

/// `tiers.<name>` — defaults that keys of the tier inherit, and limits on the tier as a whole.
struct TierConfig {
  std::string name;
  /// `budget`, `rpm`, `tpm`, `routes`, `deployments`: defaults for each key of the tier.
  AccessLimits limits;
  /// `total_rpm` and `total_tpm`: requests and tokens per minute of all the tier's keys together;
  /// nullopt means no limit.
  std::optional<std::int64_t> total_rpm;
  std::optional<std::int64_t> total_tpm;
};

/// `teams.<name>` — a budget that the team's keys share.
struct TeamConfig {
  std::string name;
  std::optional<BudgetConfig> budget;
};

/// One entry of `keys:` — a virtual API key.
struct KeyConfig {
  std::string name;
  /// `key_sha256`: lower-case hex SHA-256 of the key. The key itself never appears in config.
  std::string key_sha256;
  std::string team;
  std::string tier;
  /// Fields the key sets itself; unset ones come from its tier.
  AccessLimits limits;
  /// `labels`: free-form name-value pairs that routing policies may read.
  std::map<std::string, std::string> labels;
};

enum class AccountingStoreKind { Memory, Sqlite, Redis };

/// `accounting.redis:` — the Redis server that replicas share.
struct RedisStoreConfig {
  /// `address`: "HOST:PORT" of the server.
  std::string address = "127.0.0.1:6379";
  /// `password`: sent with AUTH when set.
  Secret password;
  /// `timeout_ms`: connect and command timeout. Default 200 ms.
  std::chrono::milliseconds timeout{200};
  /// `fail_open`: when Redis is unreachable, admit requests without budget or rate checks (true)
  /// or reject them with 503 (false, the default).
  bool fail_open = false;
  /// `key_prefix`: prefix of every Redis key the gateway writes. Default "pointsman:".
  std::string key_prefix = "pointsman:";
};

/// `accounting:` — where spend and rate-limit state lives and how reservations are sized.
struct AccountingConfig {
  /// `store`: `memory` (the default, one process), `sqlite` or `redis`.
  AccountingStoreKind store = AccountingStoreKind::Memory;
  /// `sqlite_path`: database file of the `sqlite` store.
  std::string sqlite_path;
  RedisStoreConfig redis;
  /// `default_max_tokens`: output tokens reserved for a request that sets no `max_tokens`.
  /// Default 4096.
  std::int64_t default_max_tokens = 4096;
};

}  // namespace pointsman::config
