#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "support/http_response.hpp"
#include "support/tcp_connection.hpp"

namespace pointsman::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// One request of the synchronous test client. `Host` is always added; `Content-Type:
/// application/json` and `Content-Length` are added unless given or the body is chunked.
struct RequestOptions {
  std::string method = "POST";
  std::string target = "/v1/chat/completions";
  HeaderList headers{};
  std::string body{};
  /// Sends the body with `Transfer-Encoding: chunked` in pieces of `chunkSize` bytes.
  bool chunkedBody = false;
  std::size_t chunkSize = 64 * 1024;
  std::chrono::milliseconds timeout{10'000};
};

/// Serializes the request line, headers and body as they go on the wire.
std::string serializeRequest(std::uint16_t port, const RequestOptions& options);

/// Reads a response head from `connection`; bytes read past the head stay in `buffer`.
HttpResponse readResponseHead(TcpConnection& connection, std::string& buffer,
                              TcpConnection::Clock::time_point deadline);

/// Reads the body that belongs to `head` (chunked, by Content-Length, or until the peer closes).
void readResponseBody(TcpConnection& connection, std::string& buffer, HttpResponse& head,
                      TcpConnection::Clock::time_point deadline);

/// Sends one request on a new connection to 127.0.0.1:`port` and reads the whole response.
HttpResponse sendRequest(std::uint16_t port, const RequestOptions& options);

HttpResponse post(std::uint16_t port, const std::string& target, const std::string& body,
                  const HeaderList& headers = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

HttpResponse get(std::uint16_t port, const std::string& target, const HeaderList& headers = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// Sends `bytes` exactly as given and reads one response.
HttpResponse sendRaw(std::uint16_t port, const std::string& bytes,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace pointsman::test
