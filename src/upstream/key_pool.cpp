#include <pointsman/upstream/key_pool.hpp>

#include <algorithm>

namespace pointsman::upstream {

KeyPool::KeyPool(const std::vector<config::WeightedKey>& keys)
    : cooling_until_(std::make_unique<std::atomic<Clock::rep>[]>(keys.size())) {
  for (std::size_t index = 0; index < keys.size(); ++index) {
    weights_.push_back(keys[index].weight);
    cooling_until_[index].store(0, std::memory_order_relaxed);
  }
}

std::optional<std::size_t> KeyPool::pick(Clock::time_point now, double uniform01) const {
  const auto now_ticks = now.time_since_epoch().count();
  double available_weight = 0;
  for (std::size_t index = 0; index < weights_.size(); ++index) {
    if (cooling_until_[index].load(std::memory_order_relaxed) <= now_ticks) available_weight += weights_[index];
  }
  if (available_weight <= 0) return std::nullopt;

  double target = uniform01 * available_weight;
  std::optional<std::size_t> last_available;
  for (std::size_t index = 0; index < weights_.size(); ++index) {
    if (cooling_until_[index].load(std::memory_order_relaxed) > now_ticks) continue;
    last_available = index;
    if (target < weights_[index]) return index;
    target -= weights_[index];
  }
  // Rounding can leave a sliver of weight past the last key; it belongs to the last one.
  return last_available;
}

void KeyPool::coolDown(std::size_t index, Clock::time_point until) {
  // Relaxed is enough: a pick that misses a fresh cool-down sends one more request on that key,
  // which the upstream answers with another 429.
  auto& slot = cooling_until_[index];
  auto current = slot.load(std::memory_order_relaxed);
  const auto wanted = until.time_since_epoch().count();
  while (current < wanted && !slot.compare_exchange_weak(current, wanted, std::memory_order_relaxed)) {
  }
}

KeyPool::Clock::time_point KeyPool::earliestReturn() const {
  auto earliest = Clock::time_point::max().time_since_epoch().count();
  for (std::size_t index = 0; index < weights_.size(); ++index) {
    earliest = std::min(earliest, cooling_until_[index].load(std::memory_order_relaxed));
  }
  return Clock::time_point(Clock::duration(earliest));
}

std::shared_ptr<const KeyPoolSet> KeyPoolSet::build(const config::Config& config) {
  // TODO: cool-downs start empty after a reload; carrying them over needs keys matched by value.
  auto set = std::make_shared<KeyPoolSet>();
  for (const auto& [name, provider] : config.providers) {
    if (!provider.api_keys.empty()) set->pools_.emplace(name, std::make_unique<KeyPool>(provider.api_keys));
  }
  return set;
}

KeyPool* KeyPoolSet::find(const std::string& provider) const {
  const auto found = pools_.find(provider);
  return found == pools_.end() ? nullptr : found->second.get();
}

}  // namespace pointsman::upstream
