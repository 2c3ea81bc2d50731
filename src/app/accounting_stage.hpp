#pragma once

// The accounting steps of one request: authenticate the client key, check the plan against
// what the key may use, admit (rate limits and a worst-case budget reservation), and settle the
// real cost once the answer is out. ApiHandler calls them in pipeline order.

#include <pointsman/accounting/accounting_metrics.hpp>
#include <pointsman/accounting/admission.hpp>
#include <pointsman/accounting/key_registry.hpp>
#include <pointsman/accounting/request_facts.hpp>
#include <pointsman/accounting/spend_store.hpp>
#include <pointsman/upstream/shared_rate_limiter.hpp>
#include <pointsman/api/api_error.hpp>
#include <pointsman/config/config.hpp>
#include <pointsman/http/incoming_request.hpp>
#include <pointsman/route/plan.hpp>
#include <pointsman/route/principal_view.hpp>
#include <pointsman/telemetry/request_record.hpp>
#include <pointsman/upstream/plan_executor.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pointsman::app {

/// The process-wide accounting parts, shared by every worker.
struct AccountingState {
  AccountingState(std::shared_ptr<accounting::SpendStore> spend_store, std::string name, telemetry::Registry& registry)
      : store(std::move(spend_store)), store_name(std::move(name)), metrics(registry) {}

  std::shared_ptr<accounting::SpendStore> store;
  /// "memory", "sqlite" or "redis", for logs and metric labels.
  std::string store_name;
  /// Replaced on reload and after key changes through the admin API; read with std::atomic_load.
  std::shared_ptr<const accounting::KeyRegistry> keys;
  accounting::AccountingMetrics metrics;
  /// Deployment rpm and tpm limits in the shared store; null unless the store is Redis, because
  /// only Redis is shared by several replicas.
  std::unique_ptr<upstream::SharedRateLimiter> deployment_limits;

  /// The budget share each key had left after its latest admission, for routing policies that
  /// read it before the next admission. Approximate by design: other replicas' spend shows only
  /// after this process admits the key again.
  [[nodiscard]] std::optional<double> lastBudgetShare(const std::string& key_name) const;
  void noteBudgetShare(const std::string& key_name, double share);

  /// The keys the store holds, as last loaded or changed through the admin API.
  [[nodiscard]] std::vector<accounting::StoredKey> storedKeys() const;
  /// Replaces the stored keys and swaps in a registry of `config`'s keys and these.
  void useStoredKeys(std::vector<accounting::StoredKey> stored, const config::Config& config);
  /// Like useStoredKeys, but does nothing when an admin call changed the keys after `version`
  /// was read, because `stored` may then predate that change. Returns whether it replaced them.
  bool useStoredKeysSince(std::uint64_t version, std::vector<accounting::StoredKey> stored,
                          const config::Config& config);
  /// Counts the changes made through the admin API.
  [[nodiscard]] std::uint64_t storedKeysVersion() const;
  /// Adds one stored key, or removes the stored key named `revoked`, and swaps in a new registry.
  void addStoredKey(const accounting::StoredKey& key, const config::Config& config);
  void removeStoredKey(const std::string& revoked, const config::Config& config);

 private:
  /// Builds and swaps in the registry; the caller holds stored_keys_mutex_.
  void rebuildRegistryLocked(const config::Config& config);

  mutable std::mutex shares_mutex_;
  std::unordered_map<std::string, double> shares_;
  /// Serialises changes of the stored keys, so two admin calls on different workers cannot
  /// each build a registry that misses the other's key.
  mutable std::mutex stored_keys_mutex_;
  std::vector<accounting::StoredKey> stored_keys_;
  std::uint64_t stored_keys_version_ = 0;
};

/// One request's accounting state, from authentication to settlement.
struct RequestAccounting {
  /// Keeps the principal alive for the whole request, even across a reload.
  std::shared_ptr<const accounting::KeyRegistry> registry;
  /// Null when `auth: none`.
  const accounting::Principal* principal = nullptr;
  route::PrincipalView view;
  accounting::RequestFacts facts;
  accounting::AdmissionRequest admission;
  /// A reservation was taken and must be settled.
  bool reserved = false;
  std::int64_t estimated_tokens = 0;
};

/// Opens the configured store and builds the key registry. Throws std::runtime_error when the
/// store cannot be opened, so the gateway does not start without its budgets.
std::unique_ptr<AccountingState> makeAccountingState(const config::Config& config, telemetry::Registry& registry);

/// Rebuilds the key registry from `config` and the store's keys (after a reload or a change
/// through the admin API). Blocks on the store; never call it on a worker's event loop.
void reloadKeys(AccountingState& state, const config::Config& config);

/// Picks up keys that another replica made or revoked in a shared store. Rebuilds the registry
/// only when the set of stored keys changed. Blocks on the store, like reloadKeys.
void syncStoredKeys(AccountingState& state, const config::Config& config);

/// Finds the caller's principal. With `auth: keys`, a missing or unknown key is a 401.
std::optional<api::ApiError> authenticate(AccountingState& state, const config::Config& config,
                                          const http::RequestMessage& message, RequestAccounting& accounting);

/// Drops the plan's candidates that the key may not reach. A route the key may not use, or a
/// plan left empty, is the same 404 as an unknown model, so a key learns nothing about others.
std::optional<api::ApiError> authorizePlan(const RequestAccounting& accounting, route::Plan& plan);

/// Takes the body's facts from `view` (what parseRequest read from `body`), and sets up the
/// execution to request stream usage and to report the cost. Rewrites `body` when usage must be
/// requested. Runs before admit().
void prepareAccounting(const std::shared_ptr<const config::Config>& config, const api::RequestView& view,
                       std::string& body, RequestAccounting& accounting, upstream::ExecutionRequest& execution);

/// Reserves the worst case and takes the rate units of a keyed caller, and adds the
/// `x-ratelimit-*` headers to `headers`. Without a principal there is nothing to admit, and the
/// caller may skip the call.
boost::asio::awaitable<std::optional<api::ApiError>> admit(AccountingState& state, const config::Config& config,
                                                           const route::Plan& plan, RequestAccounting& accounting,
                                                           http::HeaderList& headers);

/// Charges the real cost (or an estimate when the upstream sent no usage), releases the rest of
/// the reservation, and fills the record's cost and key fields.
boost::asio::awaitable<void> settle(AccountingState& state, const config::Config& config,
                                    RequestAccounting& accounting, const upstream::ExecutionOutcome& outcome,
                                    telemetry::RequestRecord& record);

}  // namespace pointsman::app
