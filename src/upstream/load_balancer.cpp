#include <pointsman/upstream/load_balancer.hpp>

namespace pointsman::upstream {
namespace {

using Candidates = std::span<const BalanceCandidate>;

std::size_t countEligible(Candidates candidates) {
  std::size_t count = 0;
  for (const auto& candidate : candidates) count += candidate.excluded ? 0 : 1;
  return count;
}

/// Index of the `rank`-th (0 based) candidate that `eligible` accepts.
template <typename Eligible>
std::size_t nthEligible(Candidates candidates, std::size_t rank, Eligible eligible) {
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!eligible(candidates[i])) continue;
    if (rank == 0) return i;
    --rank;
  }
  return candidates.size();
}

bool notExcluded(const BalanceCandidate& candidate) { return !candidate.excluded; }

std::size_t uniformIndex(std::size_t count, BalanceRandom& random) {
  return std::uniform_int_distribution<std::size_t>(0, count - 1)(random);
}

std::size_t pickWeighted(Candidates candidates, std::size_t eligible, BalanceRandom& random) {
  double total = 0;
  for (const auto& candidate : candidates) {
    if (!candidate.excluded && candidate.weight > 0) total += candidate.weight;
  }
  if (total <= 0) return nthEligible(candidates, uniformIndex(eligible, random), notExcluded);

  double point = std::uniform_real_distribution<double>(0.0, total)(random);
  std::size_t last_positive = candidates.size();
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].excluded || candidates[i].weight <= 0) continue;
    if (point < candidates[i].weight) return i;
    point -= candidates[i].weight;
    last_positive = i;
  }
  // Rounding in the subtractions can leave a point just above the last share.
  return last_positive;
}

std::size_t pickLeastOutstanding(Candidates candidates, std::size_t eligible,
                                 BalanceRandom& random) {
  if (eligible == 1) return nthEligible(candidates, 0, notExcluded);
  const auto first_rank = uniformIndex(eligible, random);
  // A second rank drawn from the other eligible-1 ranks, so that the two choices differ.
  auto second_rank = uniformIndex(eligible - 1, random);
  if (second_rank >= first_rank) ++second_rank;

  const auto first = nthEligible(candidates, first_rank, notExcluded);
  const auto second = nthEligible(candidates, second_rank, notExcluded);
  return candidates[second].load->inFlight() < candidates[first].load->inFlight() ? second : first;
}

std::size_t pickLowestLatency(Candidates candidates, BalanceRandom& random) {
  auto unmeasured = [](const BalanceCandidate& candidate) {
    return !candidate.excluded && !candidate.load->timeToFirstTokenMs();
  };
  std::size_t unmeasured_count = 0;
  for (const auto& candidate : candidates) unmeasured_count += unmeasured(candidate) ? 1 : 0;
  if (unmeasured_count > 0) {
    const auto index = nthEligible(candidates, uniformIndex(unmeasured_count, random), unmeasured);
    if (index < candidates.size()) return index;
    // Another thread recorded a sample since the count, so the drawn rank no longer exists.
  }

  std::size_t best = candidates.size();
  double best_ms = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].excluded) continue;
    // A candidate still without a sample counts as the fastest, as above.
    const double average_ms = candidates[i].load->timeToFirstTokenMs().value_or(0.0);
    if (best == candidates.size() || average_ms < best_ms) {
      best = i;
      best_ms = average_ms;
    }
  }
  return best;
}

}  // namespace

std::optional<std::size_t> pickDeployment(BalanceStrategy strategy, Candidates candidates,
                                          BalanceRandom& random) {
  const auto eligible = countEligible(candidates);
  if (eligible == 0) return std::nullopt;

  switch (strategy) {
    case BalanceStrategy::WeightedRandom:
      return pickWeighted(candidates, eligible, random);
    case BalanceStrategy::LeastOutstanding:
      return pickLeastOutstanding(candidates, eligible, random);
    case BalanceStrategy::LowestLatency:
      return pickLowestLatency(candidates, random);
  }
  return std::nullopt;
}

}  // namespace pointsman::upstream
