#pragma once

#include <pointsman/accounting/key_registry.hpp>
#include <pointsman/accounting/spend_store.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pointsman::admin {

/// The running accounting as the admin endpoints see it: the store, the keys made through the
/// admin API, and the registry that requests authenticate against. The app implements it over
/// its process-wide accounting state.
class AccountingAdmin {
 public:
  virtual ~AccountingAdmin() = default;

  [[nodiscard]] virtual accounting::SpendStore& store() = 0;
  /// "memory", "sqlite" or "redis".
  [[nodiscard]] virtual std::string storeName() const = 0;
  [[nodiscard]] virtual std::shared_ptr<const accounting::KeyRegistry> registry() const = 0;
  /// The keys the store holds, as last loaded or changed through the admin API.
  [[nodiscard]] virtual std::vector<accounting::StoredKey> storedKeys() const = 0;

  /// Records a key the store has just saved and swaps in a registry that accepts it.
  virtual void keySaved(const accounting::StoredKey& key, const config::Config& config) = 0;
  /// Records a key the store has just deleted and swaps in a registry without it.
  virtual void keyRevoked(const std::string& name, const config::Config& config) = 0;

  /// The budget share the key had left at its latest admission in this process, if known.
  [[nodiscard]] virtual std::optional<double> lastBudgetShare(const std::string& key_name) const = 0;
};

}  // namespace pointsman::admin
