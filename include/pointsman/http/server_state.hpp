#pragma once

#include <atomic>
#include <cstdint>

namespace pointsman::http {

/// Process-wide state that health endpoints and the drain logic read.
struct ServerState {
  /// Both listeners are up and the config is loaded.
  std::atomic<bool> ready{false};
  /// SIGTERM received: no new connections, readiness fails so load balancers move away.
  std::atomic<bool> draining{false};
  std::atomic<std::int64_t> requests_in_flight{0};
};

}  // namespace pointsman::http
