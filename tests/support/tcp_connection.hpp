#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace pointsman::test {

/// A blocking client socket to 127.0.0.1 whose every operation has a deadline (poll based), with
/// TCP_NODELAY set. Errors and timeouts throw std::runtime_error naming the operation.
class TcpConnection {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TcpConnection(std::uint16_t port);
  ~TcpConnection();

  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  void sendAll(std::string_view bytes, Clock::time_point deadline);

  /// Returns the next bytes read, or an empty string at end of stream (or after a reset).
  /// Throws when the deadline passes first.
  std::string readSome(Clock::time_point deadline);

  /// Like readSome, but returns an empty string with `timedOut` set instead of throwing.
  std::string tryReadSome(Clock::time_point deadline, bool& timedOut);

  /// Closes the socket, so the peer gets an orderly FIN.
  void close();

  [[nodiscard]] bool isOpen() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace pointsman::test
