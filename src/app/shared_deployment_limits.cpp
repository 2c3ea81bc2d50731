#include "app/shared_deployment_limits.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace pointsman::app {
namespace asio = boost::asio;

asio::awaitable<std::optional<std::chrono::milliseconds>> StoreDeploymentLimits::charge(const std::string& deployment,
                                                                                       std::uint64_t rpm,
                                                                                       std::uint64_t tpm,
                                                                                       std::uint64_t tokens) {
  accounting::AdmissionRequest request;
  const std::string owner = "deployment " + deployment;
  if (rpm > 0) {
    request.rates.push_back({"rate:deployment:" + deployment + ":rpm", owner, accounting::RateKind::Requests,
                             static_cast<std::int64_t>(rpm), 1});
  }
  if (tpm > 0) {
    request.rates.push_back({"rate:deployment:" + deployment + ":tpm", owner, accounting::RateKind::Tokens,
                             static_cast<std::int64_t>(tpm), static_cast<std::int64_t>(tokens)});
  }

  const auto result = co_await store_->admit(request);
  if (result.verdict == accounting::AdmissionVerdict::RateLimited) {
    co_return std::max(result.retry_after, std::chrono::milliseconds(1));
  }
  if (result.verdict == accounting::AdmissionVerdict::StoreUnavailable) {
    // The provider's own 429 still protects it, so an unreachable store lets the attempt through.
    spdlog::warn("deployment={} rate limits: the shared store is unavailable; sending without them", deployment);
  }
  co_return std::nullopt;
}

}  // namespace pointsman::app
