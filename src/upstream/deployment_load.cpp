#include <algorithm>
#include <pointsman/upstream/deployment_load.hpp>

namespace pointsman::upstream {

DeploymentLoad::DeploymentLoad(double ewma_alpha) : ewma_alpha_(std::clamp(ewma_alpha, 0.0, 1.0)) {}

void DeploymentLoad::startRequest() { in_flight_.fetch_add(1, std::memory_order_relaxed); }

void DeploymentLoad::finishRequest() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

int DeploymentLoad::inFlight() const { return in_flight_.load(std::memory_order_relaxed); }

void DeploymentLoad::recordTimeToFirstToken(std::chrono::microseconds sample) {
  const double sample_ms = std::max(0.0, static_cast<double>(sample.count()) / 1000.0);
  double current = ttft_ewma_ms_.load(std::memory_order_relaxed);
  double next = 0;
  do {
    next = current < 0 ? sample_ms : ewma_alpha_ * sample_ms + (1.0 - ewma_alpha_) * current;
  } while (!ttft_ewma_ms_.compare_exchange_weak(current, next, std::memory_order_relaxed));
}

std::optional<double> DeploymentLoad::timeToFirstTokenMs() const {
  const double current = ttft_ewma_ms_.load(std::memory_order_relaxed);
  if (current < 0) return std::nullopt;
  return current;
}

}  // namespace pointsman::upstream
