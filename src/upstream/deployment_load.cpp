#include <pointsman/upstream/deployment_load.hpp>

#include <algorithm>
#include <limits>
#include <vector>

namespace pointsman::upstream {

DeploymentLoad::DeploymentLoad(double ewma_alpha) : ewma_alpha_(std::clamp(ewma_alpha, 0.0, 1.0)) {}

void DeploymentLoad::startRequest() { in_flight_.fetch_add(1, std::memory_order_relaxed); }

void DeploymentLoad::finishRequest() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

int DeploymentLoad::inFlight() const { return in_flight_.load(std::memory_order_relaxed); }

void DeploymentLoad::recordTimeToFirstToken(std::chrono::microseconds sample) {
  const auto sample_us = std::clamp<std::int64_t>(sample.count(), 0, std::numeric_limits<std::uint32_t>::max());
  const auto slot = samples_.fetch_add(1, std::memory_order_relaxed) % kRecentSamples;
  recent_us_[slot].store(static_cast<std::uint32_t>(sample_us), std::memory_order_relaxed);

  const double sample_ms = static_cast<double>(sample_us) / 1000.0;
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

std::optional<double> DeploymentLoad::timeToFirstTokenP95Ms() const {
  const auto count = std::min<std::uint64_t>(samples_.load(std::memory_order_relaxed), kRecentSamples);
  if (count < kMinPercentileSamples) return std::nullopt;

  std::vector<std::uint32_t> samples;
  samples.reserve(count);
  for (std::size_t i = 0; i < count; ++i) samples.push_back(recent_us_[i].load(std::memory_order_relaxed));
  const auto rank = static_cast<std::size_t>(static_cast<double>(count - 1) * 0.95 + 0.5);
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(rank), samples.end());
  return static_cast<double>(samples[rank]) / 1000.0;
}

}  // namespace pointsman::upstream
