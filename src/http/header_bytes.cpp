#include "http/header_bytes.hpp"

#include "http/http_token.hpp"

#include <boost/beast/http/status.hpp>

#include <charconv>

namespace pointsman::http {
namespace bhttp = boost::beast::http;

namespace {

void appendVersion(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

/// Fields the framing decides; a value for them in the header list is ignored.
bool isFramingField(std::string_view name) {
  return sameToken(name, "connection") || sameToken(name, "content-length") ||
         sameToken(name, "transfer-encoding");
}

/// Beast's set() replaces a field, so only the last header of each name is written.
bool replacedLater(const HeaderList& headers, std::size_t index) {
  for (std::size_t later = index + 1; later < headers.size(); ++later) {
    if (sameToken(headers[later].first, headers[index].first)) return true;
  }
  return false;
}

void appendStatusLine(std::string& out, unsigned version, unsigned status, std::string_view reason) {
  appendVersion(out, version);
  out += ' ';
  out += static_cast<char>('0' + status / 100 % 10);
  out += static_cast<char>('0' + status / 10 % 10);
  out += static_cast<char>('0' + status % 10);
  out += ' ';
  out += reason;
  out += "\r\n";
}

/// Responses that never carry a body, and so no Content-Length from prepare_payload().
bool hasNoBody(unsigned status) { return status < 200 || status == 204 || status == 304; }

}  // namespace

void appendContentLength(std::string& out, std::size_t length) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, length).ptr;
  out += "Content-Length: ";
  out.append(digits, end);
  out += "\r\n";
}

std::string responseHead(unsigned status, unsigned version, const HeaderList& headers,
                         const ResponseFraming& framing) {
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  std::size_t size = 64 + reason.size();
  for (const auto& [name, value] : headers) size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size);

  appendStatusLine(out, version, status, std::string_view(reason.data(), reason.size()));
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const auto& [name, value] = headers[i];
    if (isFramingField(name) || replacedLater(headers, i)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }

  // HTTP/1.1 keeps the connection open by default, and HTTP/1.0 closes it by default.
  if (version >= 11 && !framing.keep_alive) out += "Connection: close\r\n";
  if (version < 11 && framing.keep_alive) out += "Connection: keep-alive\r\n";

  if (!framing.content_length) {
    out += "Transfer-Encoding: chunked\r\n";
  } else if (!hasNoBody(status)) {
    appendContentLength(out, *framing.content_length);
  }
  out += "\r\n";
  return out;
}

}  // namespace pointsman::http
