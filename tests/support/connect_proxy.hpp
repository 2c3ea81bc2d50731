#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pointsman::test {

/// An HTTP CONNECT proxy on 127.0.0.1 with a port chosen by the kernel. It opens a tunnel to
/// whatever target a CONNECT names (the tests only name loopback upstreams), records the targets,
/// and copies bytes both ways until either side closes. Other methods get 405.
class ConnectProxy {
 public:
  ConnectProxy();
  ~ConnectProxy();
  ConnectProxy(const ConnectProxy&) = delete;
  ConnectProxy& operator=(const ConnectProxy&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT".
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// The `host:port` of every CONNECT received, in order.
  [[nodiscard]] std::vector<std::string> targets() const;

 private:
  void acceptLoop();
  void serve(int client);

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> targets_;
  std::vector<std::thread> threads_;
  std::vector<int> sockets_;
  std::thread acceptor_;
};

}  // namespace pointsman::test
