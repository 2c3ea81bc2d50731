#include "support/tcp_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace pointsman::test {
namespace {

int millisecondsUntil(TcpConnection::Clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - TcpConnection::Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Waits until the socket is ready for `events`; false when the deadline passed first.
bool waitReady(int fd, short events, TcpConnection::Clock::time_point deadline) {
  for (;;) {
    pollfd entry{.fd = fd, .events = events, .revents = 0};
    int ready = ::poll(&entry, 1, millisecondsUntil(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR)
      throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
  }
}

}  // namespace

TcpConnection::TcpConnection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket failed: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Loopback connects complete or fail at once, so a blocking connect cannot hang here.
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::string message =
        "connect to 127.0.0.1:" + std::to_string(port) + " failed: " + std::strerror(errno);
    close();
    throw std::runtime_error(message);
  }
}

TcpConnection::~TcpConnection() { close(); }

void TcpConnection::sendAll(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    if (!waitReady(fd_, POLLOUT, deadline)) throw std::runtime_error("send timed out");
    ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      throw std::runtime_error(std::string("send failed: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

std::string TcpConnection::tryReadSome(Clock::time_point deadline, bool& timedOut) {
  timedOut = false;
  char buffer[64 * 1024];
  for (;;) {
    if (!waitReady(fd_, POLLIN, deadline)) {
      timedOut = true;
      return {};
    }
    ssize_t received = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (received > 0) return std::string(buffer, static_cast<std::size_t>(received));
    if (received == 0) return {};
    if (errno == EAGAIN || errno == EINTR) continue;
    if (errno == ECONNRESET) return {};
    throw std::runtime_error(std::string("recv failed: ") + std::strerror(errno));
  }
}

std::string TcpConnection::readSome(Clock::time_point deadline) {
  bool timedOut = false;
  std::string bytes = tryReadSome(deadline, timedOut);
  if (timedOut) throw std::runtime_error("read timed out");
  return bytes;
}

void TcpConnection::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace pointsman::test
