#pragma once

#include <pointsman/config/config.hpp>

#include <atomic>
#include <memory>

namespace pointsman::config {

/// The current config snapshot. A request loads it once and keeps its shared_ptr to the end, so
/// a reload never changes a request midway, and an old snapshot lives until its last user is done.
class ConfigStore {
 public:
  explicit ConfigStore(std::shared_ptr<const Config> initial) : current_(std::move(initial)) {}

  [[nodiscard]] std::shared_ptr<const Config> current() const { return current_.load(std::memory_order_acquire); }

  /// Swaps in a validated config; requests that already hold the old one keep it.
  void replace(std::shared_ptr<const Config> next) { current_.store(std::move(next), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const Config>> current_;
};

}  // namespace pointsman::config
