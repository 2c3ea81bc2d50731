#pragma once

#include <atomic>
#include <chrono>
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

 private:
  /// Negative until the first sample.
  static constexpr double kNoSample = -1.0;

  const double ewma_alpha_;
  std::atomic<int> in_flight_{0};
  std::atomic<double> ttft_ewma_ms_{kNoSample};
};

}  // namespace pointsman::upstream
