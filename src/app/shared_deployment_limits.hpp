#pragma once

// Deployment rpm and tpm limits kept in the accounting store, so replicas that share a Redis store
// share these limits too.

#include <pointsman/accounting/spend_store.hpp>
#include <pointsman/upstream/shared_rate_limiter.hpp>

#include <memory>

namespace pointsman::app {

class StoreDeploymentLimits final : public upstream::SharedRateLimiter {
 public:
  explicit StoreDeploymentLimits(std::shared_ptr<accounting::SpendStore> store) : store_(std::move(store)) {}

  boost::asio::awaitable<std::optional<std::chrono::milliseconds>> charge(const std::string& deployment,
                                                                         std::uint64_t rpm, std::uint64_t tpm,
                                                                         std::uint64_t tokens) override;

 private:
  std::shared_ptr<accounting::SpendStore> store_;
};

}  // namespace pointsman::app
