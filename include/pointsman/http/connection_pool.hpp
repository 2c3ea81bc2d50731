#pragma once

#include <pointsman/http/upstream_connection.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pointsman::http {

/// Idle kept-alive upstream connections of one worker, by endpoint. A worker owns its pool and
/// only its own thread touches it, so there is no lock.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::chrono::milliseconds max_idle_time = std::chrono::seconds(30))
      : max_idle_time_(max_idle_time) {}

  /// The most recently used idle connection to `key` that still looks open, or null.
  std::unique_ptr<UpstreamConnection> take(const std::string& key);

  /// Keeps a connection whose response was read to the end; anything else is closed.
  void give(std::unique_ptr<UpstreamConnection> connection, std::size_t max_idle_per_key);

  [[nodiscard]] std::size_t idleCount() const;

 private:
  std::chrono::milliseconds max_idle_time_;
  std::map<std::string, std::vector<std::unique_ptr<UpstreamConnection>>> idle_;
};

}  // namespace pointsman::http
