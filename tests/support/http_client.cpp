#include "support/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "support/chunked_decoder.hpp"

namespace pointsman::test {
namespace {

std::string toLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool hasHeaderNamed(const HeaderList& headers, const std::string& lowerName) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return toLower(header.first) == lowerName; });
}

std::string trim(std::string text) {
  auto notSpace = [](unsigned char c) { return c != ' ' && c != '\t'; };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), notSpace));
  text.erase(std::find_if(text.rbegin(), text.rend(), notSpace).base(), text.end());
  return text;
}

}  // namespace

std::string serializeRequest(std::uint16_t port, const RequestOptions& options) {
  std::string out = options.method + " " + options.target + " HTTP/1.1\r\n";
  out += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  if (!options.body.empty() && !hasHeaderNamed(options.headers, "content-type")) {
    out += "Content-Type: application/json\r\n";
  }
  for (const auto& [name, value] : options.headers) out += name + ": " + value + "\r\n";
  if (options.chunkedBody) {
    out += "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t offset = 0; offset < options.body.size(); offset += options.chunkSize) {
      std::size_t size = std::min(options.chunkSize, options.body.size() - offset);
      char sizeLine[32];
      std::snprintf(sizeLine, sizeof sizeLine, "%zx\r\n", size);
      out += sizeLine;
      out.append(options.body, offset, size);
      out += "\r\n";
    }
    out += "0\r\n\r\n";
    return out;
  }
  bool needsLength = !options.body.empty() || options.method == "POST";
  if (needsLength && !hasHeaderNamed(options.headers, "content-length")) {
    out += "Content-Length: " + std::to_string(options.body.size()) + "\r\n";
  }
  out += "\r\n";
  out += options.body;
  return out;
}

HttpResponse readResponseHead(TcpConnection& connection, std::string& buffer,
                              TcpConnection::Clock::time_point deadline) {
  std::size_t headEnd = std::string::npos;
  while ((headEnd = buffer.find("\r\n\r\n")) == std::string::npos) {
    std::string bytes = connection.readSome(deadline);
    if (bytes.empty()) {
      throw std::runtime_error("connection closed before a complete response head; got: " +
                               buffer.substr(0, 200));
    }
    buffer += bytes;
  }

  HttpResponse response;
  std::string head = buffer.substr(0, headEnd);
  buffer.erase(0, headEnd + 4);

  std::size_t lineEnd = head.find("\r\n");
  std::string statusLine = head.substr(0, lineEnd);
  std::size_t space = statusLine.find(' ');
  if (statusLine.rfind("HTTP/1.", 0) != 0 || space == std::string::npos) {
    throw std::runtime_error("invalid status line: " + statusLine);
  }
  response.status = std::stoi(statusLine.substr(space + 1, 3));

  std::size_t position = lineEnd == std::string::npos ? head.size() : lineEnd + 2;
  while (position < head.size()) {
    std::size_t end = head.find("\r\n", position);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(position, end - position);
    position = end + 2;
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error("invalid header line: " + line);
    std::string name = toLower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    auto [slot, inserted] = response.headers.emplace(name, value);
    if (!inserted) slot->second += ", " + value;
  }
  response.chunked =
      toLower(response.header("transfer-encoding")).find("chunked") != std::string::npos;
  return response;
}

void readResponseBody(TcpConnection& connection, std::string& buffer, HttpResponse& head,
                      TcpConnection::Clock::time_point deadline) {
  if (head.status == 204 || head.status == 304 || (head.status >= 100 && head.status < 200)) {
    return;
  }
  if (head.chunked) {
    ChunkedDecoder decoder;
    std::string pending = std::move(buffer);
    buffer.clear();
    for (;;) {
      if (!decoder.feed(pending, head.body)) throw std::runtime_error("invalid chunked framing");
      if (decoder.finished()) return;
      pending = connection.readSome(deadline);
      if (pending.empty()) throw std::runtime_error("connection closed inside a chunked body");
    }
  }
  if (head.hasHeader("content-length")) {
    std::size_t length = std::stoull(head.header("content-length"));
    while (buffer.size() < length) {
      std::string bytes = connection.readSome(deadline);
      if (bytes.empty()) {
        throw std::runtime_error("connection closed after " + std::to_string(buffer.size()) +
                                 " of " + std::to_string(length) + " body bytes");
      }
      buffer += bytes;
    }
    head.body = buffer.substr(0, length);
    buffer.erase(0, length);
    return;
  }
  for (;;) {
    std::string bytes = connection.readSome(deadline);
    if (bytes.empty()) break;
    buffer += bytes;
  }
  head.body = std::move(buffer);
  buffer.clear();
}

HttpResponse sendRequest(std::uint16_t port, const RequestOptions& options) {
  auto deadline = TcpConnection::Clock::now() + options.timeout;
  TcpConnection connection(port);
  std::string buffer;
  HttpResponse response;
  try {
    connection.sendAll(serializeRequest(port, options), deadline);
    response = readResponseHead(connection, buffer, deadline);
  } catch (const std::runtime_error& sendError) {
    // A server may send an early response (413) and stop reading the body, so read it as curl does.
    try {
      response = readResponseHead(connection, buffer, deadline);
    } catch (const std::runtime_error&) {
      throw sendError;
    }
  }
  if (options.method != "HEAD") readResponseBody(connection, buffer, response, deadline);
  return response;
}

HttpResponse post(std::uint16_t port, const std::string& target, const std::string& body,
                  const HeaderList& headers, std::chrono::milliseconds timeout) {
  return sendRequest(port, RequestOptions{.method = "POST",
                                          .target = target,
                                          .headers = headers,
                                          .body = body,
                                          .timeout = timeout});
}

HttpResponse get(std::uint16_t port, const std::string& target, const HeaderList& headers,
                 std::chrono::milliseconds timeout) {
  return sendRequest(
      port,
      RequestOptions{.method = "GET", .target = target, .headers = headers, .timeout = timeout});
}

HttpResponse sendRaw(std::uint16_t port, const std::string& bytes,
                     std::chrono::milliseconds timeout) {
  auto deadline = TcpConnection::Clock::now() + timeout;
  TcpConnection connection(port);
  connection.sendAll(bytes, deadline);
  std::string buffer;
  HttpResponse response = readResponseHead(connection, buffer, deadline);
  readResponseBody(connection, buffer, response, deadline);
  return response;
}

}  // namespace pointsman::test
