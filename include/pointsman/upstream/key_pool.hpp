#pragma once

#include <pointsman/config/config.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pointsman::upstream {

/// The weighted API keys of one provider, each with its own rate-limit cool-down. A 429 on one
/// key is no sign for the provider's other keys, so only that key waits. Shared by every
/// worker: picking and cooling down use atomics only.
class KeyPool {
 public:
  using Clock = std::chrono::steady_clock;

  explicit KeyPool(const std::vector<config::WeightedKey>& keys);

  /// The index of a key that is not cooling down, chosen in proportion to the weights, with
  /// `uniform01` in [0, 1); nothing when every key is cooling down.
  [[nodiscard]] std::optional<std::size_t> pick(Clock::time_point now, double uniform01) const;

  /// Keeps key `index` out of picks until `until`; an earlier time never shortens a cool-down.
  void coolDown(std::size_t index, Clock::time_point until);

  /// When the first cooling key becomes usable again.
  [[nodiscard]] Clock::time_point earliestReturn() const;

  [[nodiscard]] std::size_t size() const { return weights_.size(); }

 private:
  std::vector<double> weights_;
  std::unique_ptr<std::atomic<Clock::rep>[]> cooling_until_;  // steady_clock ticks
};

/// The key pools of every provider of one config snapshot that has `api_keys:`.
class KeyPoolSet {
 public:
  static std::shared_ptr<const KeyPoolSet> build(const config::Config& config);

  /// The provider's pool, or null when it uses a single `api_key`.
  [[nodiscard]] KeyPool* find(const std::string& provider) const;

 private:
  std::map<std::string, std::unique_ptr<KeyPool>> pools_;
};

}  // namespace pointsman::upstream
