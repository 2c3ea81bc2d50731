#include "support/connect_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace pointsman::test {

namespace {

int connectTo(const std::string& host, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  // Only loopback targets are opened, whatever a CONNECT names.
  if (host != "127.0.0.1" && host != "localhost") {
    ::close(fd);
    return -1;
  }
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void sendAll(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto written = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (written <= 0) return;
    sent += static_cast<std::size_t>(written);
  }
}

/// Copies bytes between the two sockets until one side closes.
void pipeBoth(int a, int b) {
  char buffer[16 * 1024];
  pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, 200) < 0) return;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const auto received = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
      if (received <= 0) return;
      sendAll(fds[1 - i].fd, std::string(buffer, static_cast<std::size_t>(received)));
    }
  }
}

}  // namespace

ConnectProxy::ConnectProxy() {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = 0;
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0) {
    throw std::runtime_error("connect proxy: cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

ConnectProxy::~ConnectProxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (const int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& thread : threads_) thread.join();
  for (const int fd : sockets_) ::close(fd);
}

std::vector<std::string> ConnectProxy::targets() const {
  std::lock_guard lock(mutex_);
  return targets_;
}

void ConnectProxy::acceptLoop() {
  while (!stopping_) {
    const int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) return;
    std::lock_guard lock(mutex_);
    sockets_.push_back(client);
    threads_.emplace_back([this, client] { serve(client); });
  }
}

void ConnectProxy::serve(int client) {
  std::string head;
  char byte = 0;
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 8192) {
    if (::recv(client, &byte, 1, 0) <= 0) return;
    head.push_back(byte);
  }
  if (!head.starts_with("CONNECT ")) {
    sendAll(client, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  const auto target = head.substr(8, head.find(' ', 8) - 8);
  {
    std::lock_guard lock(mutex_);
    targets_.push_back(target);
  }
  const auto colon = target.rfind(':');
  const int upstream = connectTo(target.substr(0, colon), static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1))));
  if (upstream < 0) {
    sendAll(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  {
    std::lock_guard lock(mutex_);
    sockets_.push_back(upstream);
  }
  sendAll(client, "HTTP/1.1 200 Connection established\r\n\r\n");
  pipeBoth(client, upstream);
  ::shutdown(upstream, SHUT_RDWR);
  ::shutdown(client, SHUT_RDWR);
}

}  // namespace pointsman::test
