#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace pointsman::upstream {

/// A deployment's `rpm` and `tpm` limits kept in a store every gateway replica shares (Redis),
/// so several replicas together stay under a provider's limits. The executor knows only this
/// seam; the app implements it with the accounting store.
class SharedRateLimiter {
 public:
  virtual ~SharedRateLimiter() = default;

  /// Takes one request and `tokens` estimated tokens from the deployment's limits (a limit of 0
  /// is none). Returns nothing when both fit, else how long until they would.
  virtual boost::asio::awaitable<std::optional<std::chrono::milliseconds>> charge(const std::string& deployment,
                                                                                 std::uint64_t rpm, std::uint64_t tpm,
                                                                                 std::uint64_t tokens) = 0;
};

}  // namespace pointsman::upstream
