#pragma once

// Admission at one deployment: its rpm and tpm limits, then its concurrency limit with the wait
// queue. Used by the executor before each attempt.

#include <pointsman/upstream/breaker_set.hpp>
#include <pointsman/upstream/shared_rate_limiter.hpp>
#include <pointsman/upstream/upstream_call.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace pointsman::upstream {

enum class AdmissionVerdict { Admitted, RateLimited, QueueFull, QueueTimeout, Cancelled };

/// Holds a concurrency slot until the attempt ends; empty when the deployment has no such limit.
class HeldSlot {
 public:
  HeldSlot() = default;
  explicit HeldSlot(ConcurrencyGate* gate) : gate_(gate) {}
  HeldSlot(HeldSlot&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
  HeldSlot& operator=(HeldSlot&& other) noexcept {
    release();
    gate_ = std::exchange(other.gate_, nullptr);
    return *this;
  }
  HeldSlot(const HeldSlot&) = delete;
  HeldSlot& operator=(const HeldSlot&) = delete;
  ~HeldSlot() { release(); }

  void release() {
    if (gate_) gate_->leave();
    gate_ = nullptr;
  }

 private:
  ConcurrencyGate* gate_ = nullptr;
};

struct DeploymentAdmission {
  AdmissionVerdict verdict = AdmissionVerdict::Admitted;
  /// RateLimited: when the limit would let the request through.
  std::chrono::milliseconds retry_after{0};
  HeldSlot slot;
};

/// Charges the deployment's rate limits and takes a concurrency slot, waiting in its queue when
/// `may_wait` (a hedge never waits: it exists to save time). `estimated_tokens` is charged to the
/// tpm limit. A refusal charges nothing.
/// With `shared`, the rate limits are charged there instead of in this process.
boost::asio::awaitable<DeploymentAdmission> admitAtDeployment(const std::string& deployment, DeploymentGuards& guards,
                                                              std::uint64_t estimated_tokens, bool may_wait,
                                                              CancelState& cancel, SharedRateLimiter* shared);

/// The access-log flag of a refusal: "PL" rate limit, "QF" queue full, "QT" queue timeout.
std::string_view admissionFlag(AdmissionVerdict verdict);

}  // namespace pointsman::upstream
