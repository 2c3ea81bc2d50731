#include <pointsman/http/connection_pool.hpp>

namespace pointsman::http {

std::unique_ptr<UpstreamConnection> ConnectionPool::take(const std::string& key) {
  auto found = idle_.find(key);
  if (found == idle_.end()) return nullptr;

  auto& connections = found->second;
  const auto now = Clock::now();
  while (!connections.empty()) {
    auto connection = std::move(connections.back());
    connections.pop_back();
    // A connection used within the last second is taken without the peek syscall: if the upstream
    // closed it just now, the attempt's stale-connection retry opens a fresh one.
    const auto idle = now - connection->idleSince();
    const bool recently_used = idle < std::chrono::seconds(1);
    if (idle < max_idle_time_ && (recently_used || connection->stillOpen())) return connection;
    connection->close();
  }
  return nullptr;
}

void ConnectionPool::give(std::unique_ptr<UpstreamConnection> connection,
                          std::size_t max_idle_per_key) {
  if (!connection->reusable()) {
    connection->close();
    return;
  }

  auto& connections = idle_[connection->poolKey()];
  if (connections.size() >= max_idle_per_key) {
    connections.front()->close();
    connections.erase(connections.begin());
  }
  connection->markIdle();
  connections.push_back(std::move(connection));
}

std::size_t ConnectionPool::idleCount() const {
  std::size_t count = 0;
  for (const auto& [key, connections] : idle_) count += connections.size();
  return count;
}

}  // namespace pointsman::http
