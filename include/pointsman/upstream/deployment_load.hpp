#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace pointsman::upstream {

/// Live load figures of one deployment, shared by every request that may pick it: the requests in
/// flight and a moving average of the time to first token. Lock-free; all operations use relaxed
/// memory order because each figure is read on its own and only steers the load balancer.
class DeploymentLoad {
 public:
  /// `ewma_alpha` (0 to 1, clamped; default 0.3) is the weight of a new sample in the average.
  explicit DeploymentLoad(double ewma_alpha = 0.3);

  DeploymentLoad(const DeploymentLoad&) = delete;
  DeploymentLoad& operator=(const DeploymentLoad&) = delete;

  /// Counts a request as in flight until the matching `finishRequest`.
  void startRequest();
  void finishRequest();
  int inFlight() const;

  /// Folds one time-to-first-token sample into the average; the first sample becomes the average.
  void recordTimeToFirstToken(std::chrono::microseconds sample);

  /// The moving average in milliseconds, or nothing before the first sample.
  std::optional<double> timeToFirstTokenMs() const;
  /// The 95th percentile of the recent samples in milliseconds, or nothing before
  /// `kMinPercentileSamples` samples. Sorts a copy of the ring, so callers ask only when they
  /// need it (a hedged route), not per request.
  std::optional<double> timeToFirstTokenP95Ms() const;

  static constexpr std::size_t kRecentSamples = 64;
  static constexpr std::size_t kMinPercentileSamples = 8;

 private:
  /// Negative until the first sample.
  static constexpr double kNoSample = -1.0;

  const double ewma_alpha_;
  std::atomic<int> in_flight_{0};
  std::atomic<double> ttft_ewma_ms_{kNoSample};
  /// The last samples in microseconds, written round-robin; a torn read between two writers only
  /// mixes two real samples.
  std::array<std::atomic<std::uint32_t>, kRecentSamples> recent_us_{};
  std::atomic<std::uint64_t> samples_{0};
};

}  // namespace pointsman::upstream
