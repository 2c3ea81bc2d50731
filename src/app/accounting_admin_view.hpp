#pragma once

#include "app/accounting_stage.hpp"

#include <pointsman/admin/accounting_admin.hpp>

namespace pointsman::app {

/// Lets the admin endpoints read and change the process-wide accounting state.
class AccountingAdminView final : public admin::AccountingAdmin {
 public:
  explicit AccountingAdminView(AccountingState& state) : state_(state) {}

  accounting::SpendStore& store() override { return *state_.store; }
  [[nodiscard]] std::string storeName() const override { return state_.store_name; }
  [[nodiscard]] std::shared_ptr<const accounting::KeyRegistry> registry() const override {
    return std::atomic_load(&state_.keys);
  }
  [[nodiscard]] std::vector<accounting::StoredKey> storedKeys() const override { return state_.storedKeys(); }

  void keySaved(const accounting::StoredKey& key, const config::Config& config) override {
    state_.addStoredKey(key, config);
  }
  void keyRevoked(const std::string& name, const config::Config& config) override {
    state_.removeStoredKey(name, config);
  }

  [[nodiscard]] std::optional<double> lastBudgetShare(const std::string& key_name) const override {
    return state_.lastBudgetShare(key_name);
  }

 private:
  AccountingState& state_;
};

}  // namespace pointsman::app
