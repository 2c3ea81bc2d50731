#pragma once

#include <cstddef>
#include <optional>
#include <pointsman/upstream/deployment_load.hpp>
#include <random>
#include <span>

namespace pointsman::upstream {

/// Rule for choosing among equivalent deployments.
enum class BalanceStrategy {
  /// At random, in proportion to each candidate's configured weight.
  WeightedRandom,
  /// Of two candidates drawn at random, the one with fewer requests in flight (power of two
  /// choices). Weights are not used.
  LeastOutstanding,
  /// The candidate with the lowest moving average of time to first token. Weights are not used.
  LowestLatency,
};

/// One deployment a request may be sent to.
struct BalanceCandidate {
  /// Shared live figures of the deployment; must not be null.
  const DeploymentLoad* load = nullptr;
  /// Relative share of traffic for WeightedRandom, from config; 0 or less takes no share.
  double weight = 1.0;
  /// True when the candidate must not be picked, e.g. its circuit breaker rejected the request.
  bool excluded = false;
};

/// The random source of every pick; tests seed it.
using BalanceRandom = std::mt19937_64;

/// Picks the index of one candidate, or nothing when every candidate is excluded. When all
/// remaining candidates have weight 0, WeightedRandom picks among them uniformly. LowestLatency
/// picks a candidate without a latency sample first (at random among such), so that each
/// deployment gets measured.
// NOTE: LowestLatency has no exploration: a deployment whose average turned high is not picked
// again, so its average is not refreshed until the faster candidates are excluded.
std::optional<std::size_t> pickDeployment(BalanceStrategy strategy,
                                          std::span<const BalanceCandidate> candidates,
                                          BalanceRandom& random);

}  // namespace pointsman::upstream
