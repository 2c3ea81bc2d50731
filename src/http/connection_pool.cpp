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
    if (now - connection->idleSince() < max_idle_time_ && connection->stillOpen()) return connection;
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
