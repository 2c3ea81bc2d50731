#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/mock_script.hpp"
#include "support/recorded_request.hpp"

namespace pointsman::test {

/// When the mock accepted a connection and when it ended.
struct ConnectionRecord {
  std::chrono::steady_clock::time_point opened{};
  std::optional<std::chrono::steady_clock::time_point> closed{};
  /// True when the gateway closed the connection (EOF or error on read); false when a script step
  /// closed or reset it, or the mock stopped.
  bool closedByPeer = false;
};

/// PEM files of a TLS server certificate and its key.
struct TlsServerFiles {
  std::string certFile;
  std::string keyFile;
  /// When set, the server requires a client certificate signed by this CA (mTLS).
  std::string clientCaFile = {};
};

/// A scripted HTTP/1.1 upstream on 127.0.0.1 with a port chosen by the kernel. It runs its own
/// io_context on a background thread, records every request and responds to each one with the next
/// enqueued script, or with the default script when the queue is empty.
class MockUpstream {
 public:
  MockUpstream();
  /// Serves HTTPS with the given certificate instead of plain HTTP.
  explicit MockUpstream(TlsServerFiles tls);
  ~MockUpstream();

  MockUpstream(const MockUpstream&) = delete;
  MockUpstream& operator=(const MockUpstream&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  /// "http://127.0.0.1:PORT/v1" ("https://" in TLS mode).
  [[nodiscard]] std::string baseUrl() const;

  void enqueue(Script script);
  void setDefault(Script script);

  /// Waits until at least `count` requests arrived in total.
  [[nodiscard]] bool waitForRequests(std::size_t count, std::chrono::milliseconds timeout);
  [[nodiscard]] std::vector<RecordedRequest> requests() const;
  [[nodiscard]] std::size_t requestCount() const;

  /// Waits until the gateway has closed at least `count` connections.
  [[nodiscard]] bool waitForClosedConnections(std::size_t count, std::chrono::milliseconds timeout);
  [[nodiscard]] std::vector<ConnectionRecord> connections() const;

  /// Stops accepting and closes every connection. Idempotent; the destructor calls it.
  void stop();

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace pointsman::test
