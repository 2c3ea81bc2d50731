// Opening the accounting store and loading the keys, at start and on reload.

#include "app/accounting_stage.hpp"
#include "app/shared_deployment_limits.hpp"

#include <pointsman/accounting/memory_store.hpp>
#include <pointsman/accounting/redis_store.hpp>
#include <pointsman/accounting/sqlite_store.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace pointsman::app {
namespace {

std::shared_ptr<accounting::SpendStore> openStore(const config::AccountingConfig& settings,
                                                  accounting::AccountingMetrics& metrics) {
  switch (settings.store) {
    case config::AccountingStoreKind::Memory:
      return std::make_shared<accounting::MemoryStore>();
    case config::AccountingStoreKind::Sqlite:
      return std::make_shared<accounting::SqliteStore>(settings.sqlite_path);
    case config::AccountingStoreKind::Redis:
      return std::make_shared<accounting::RedisStore>(settings.redis, metrics);
  }
  return std::make_shared<accounting::MemoryStore>();
}

const char* storeName(config::AccountingStoreKind kind) {
  switch (kind) {
    case config::AccountingStoreKind::Memory: return "memory";
    case config::AccountingStoreKind::Sqlite: return "sqlite";
    case config::AccountingStoreKind::Redis: return "redis";
  }
  return "memory";
}

}  // namespace

std::unique_ptr<AccountingState> makeAccountingState(const config::Config& config, telemetry::Registry& registry) {
  auto state = std::make_unique<AccountingState>(nullptr, storeName(config.accounting.store), registry);
  state->store = openStore(config.accounting, state->metrics);
  if (state->store_name == "redis") state->deployment_limits = std::make_unique<StoreDeploymentLimits>(state->store);
  if (config.auth == config::AuthMode::None) {
    spdlog::warn("auth is none: every caller is anonymous, and no budget or rate limit applies; "
                 "list client keys under `keys:` for anything but local development");
  }
  reloadKeys(*state, config);
  spdlog::info("accounting: store {}, {} client keys", state->store_name, std::atomic_load(&state->keys)->size());
  return state;
}

void reloadKeys(AccountingState& state, const config::Config& config) {
  if (storeName(config.accounting.store) != state.store_name) {
    spdlog::warn("config reload: accounting.store changed to {}; the running {} store stays until a restart",
                 storeName(config.accounting.store), state.store_name);
  }
  auto stored = state.store->loadKeys();
  if (!stored) {
    // Dropping the API-made keys during a store outage would lock their callers out.
    spdlog::error("accounting: cannot read the keys in the {} store; keeping the {} stored keys loaded before",
                  state.store_name, state.storedKeys().size());
    stored = state.storedKeys();
  }
  state.useStoredKeys(std::move(*stored), config);
}

void syncStoredKeys(AccountingState& state, const config::Config& config) {
  const auto version = state.storedKeysVersion();
  auto stored = state.store->loadKeys();
  if (!stored) {
    spdlog::warn("accounting: cannot read the keys in the {} store; the next sync tries again", state.store_name);
    return;
  }
  const auto identity = [](const std::vector<accounting::StoredKey>& keys) {
    std::vector<std::pair<std::string, std::string>> names;
    for (const auto& stored_key : keys) names.emplace_back(stored_key.key.name, stored_key.key.key_sha256);
    std::sort(names.begin(), names.end());
    return names;
  };
  if (identity(*stored) == identity(state.storedKeys())) return;
  const auto count = stored->size();
  if (state.useStoredKeysSince(version, std::move(*stored), config)) {
    spdlog::info("accounting: stored keys changed in the {} store; now {} stored keys", state.store_name, count);
  }
}

std::vector<accounting::StoredKey> AccountingState::storedKeys() const {
  std::lock_guard lock(stored_keys_mutex_);
  return stored_keys_;
}

void AccountingState::useStoredKeys(std::vector<accounting::StoredKey> stored, const config::Config& config) {
  std::lock_guard lock(stored_keys_mutex_);
  stored_keys_ = std::move(stored);
  rebuildRegistryLocked(config);
}

bool AccountingState::useStoredKeysSince(std::uint64_t version, std::vector<accounting::StoredKey> stored,
                                         const config::Config& config) {
  std::lock_guard lock(stored_keys_mutex_);
  if (version != stored_keys_version_) return false;
  stored_keys_ = std::move(stored);
  rebuildRegistryLocked(config);
  return true;
}

std::uint64_t AccountingState::storedKeysVersion() const {
  std::lock_guard lock(stored_keys_mutex_);
  return stored_keys_version_;
}

void AccountingState::addStoredKey(const accounting::StoredKey& key, const config::Config& config) {
  std::lock_guard lock(stored_keys_mutex_);
  ++stored_keys_version_;
  stored_keys_.push_back(key);
  rebuildRegistryLocked(config);
}

void AccountingState::removeStoredKey(const std::string& revoked, const config::Config& config) {
  std::lock_guard lock(stored_keys_mutex_);
  ++stored_keys_version_;
  std::erase_if(stored_keys_, [&revoked](const accounting::StoredKey& stored) { return stored.key.name == revoked; });
  rebuildRegistryLocked(config);
}

void AccountingState::rebuildRegistryLocked(const config::Config& config) {
  std::vector<std::string> warnings;
  auto registry = accounting::KeyRegistry::build(config, stored_keys_, &warnings);
  for (const auto& warning : warnings) spdlog::warn("{}", warning);
  std::atomic_store(&keys, std::move(registry));
}

}  // namespace pointsman::app
