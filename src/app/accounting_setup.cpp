// Opening the accounting store and loading the keys, at start and on reload.

#include "app/accounting_stage.hpp"
#include "app/shared_deployment_limits.hpp"

#include <pointsman/accounting/memory_store.hpp>
#include <pointsman/accounting/redis_store.hpp>
#include <pointsman/accounting/sqlite_store.hpp>

#include <spdlog/spdlog.h>

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
  std::vector<std::string> warnings;
  auto registry = accounting::KeyRegistry::build(config, state.store->loadKeys(), &warnings);
  for (const auto& warning : warnings) spdlog::warn("{}", warning);
  std::atomic_store(&state.keys, std::move(registry));
}

}  // namespace pointsman::app
