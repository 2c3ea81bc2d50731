#pragma once

#include <pointsman/accounting/admission.hpp>
#include <pointsman/accounting/key_registry.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pointsman::accounting {

/// Where budget counters, rate-limit state, the spend ledger and admin-API keys live. One store
/// per process, shared by every worker; the Redis store is also shared by every replica. Each
/// awaitable completes on the caller's executor and never blocks the caller's event loop.
class SpendStore {
 public:
  virtual ~SpendStore() = default;

  /// Checks every limit of `request` and, when all fit, takes the rate units and reserves
  /// `request.reserve` on every budget, as one atomic step.
  virtual boost::asio::awaitable<AdmissionResult> admit(const AdmissionRequest& request) = 0;

  /// Replaces an admitted request's reservation by its settled cost, corrects its token rate
  /// charges and adds `entry` to the ledger. A failed request settles with cost 0.
  virtual boost::asio::awaitable<void> settle(const AdmissionRequest& admitted, const Settlement& settlement,
                                              const SpendEntry& entry) = 0;

  /// The ledger's rows for UTC hours that start in [from, to), in Unix seconds.
  virtual boost::asio::awaitable<std::vector<SpendRow>> spend(std::int64_t from_unix, std::int64_t to_unix) = 0;

  /// A budget counter: settled spend plus reservations still open.
  virtual boost::asio::awaitable<Nanos> counter(const std::string& scope) = 0;

  /// True when the store keeps keys made through the admin API across restarts.
  [[nodiscard]] virtual bool keepsKeys() const = 0;
  /// Every stored key, or nothing when the store cannot be read. Blocks, so it is for start-up,
  /// reload and the key sync, which run off the workers' event loops.
  virtual std::optional<std::vector<StoredKey>> loadKeys() = 0;
  /// Saves a new key; false when a stored key has the same name or digest.
  virtual boost::asio::awaitable<bool> saveKey(const StoredKey& key) = 0;
  /// Deletes a stored key; false when no stored key has that name.
  virtual boost::asio::awaitable<bool> revokeKey(const std::string& name) = 0;
};

}  // namespace pointsman::accounting
