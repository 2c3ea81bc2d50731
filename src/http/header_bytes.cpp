#include "http/header_bytes.hpp"

#include <boost/beast/core/string.hpp>

#include <boost/beast/http/status.hpp>

#include <charconv>

namespace pointsman::http {
namespace bhttp = boost::beast::http;

namespace {

void appendView(std::string& out, boost::beast::string_view text) {
  out.append(text.data(), text.size());
}

void appendVersion(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

/// Appends every field and the blank line that ends the header.
void appendFields(std::string& out, const bhttp::fields& fields) {
  for (const auto& field : fields) {
    appendView(out, field.name_string());
    out += ": ";
    appendView(out, field.value());
    out += "\r\n";
  }
  out += "\r\n";
}

std::size_t fieldBytes(const bhttp::fields& fields) {
  std::size_t bytes = 2;
  for (const auto& field : fields) bytes += field.name_string().size() + field.value().size() + 4;
  return bytes;
}

/// Fields the framing decides; a value for them in the header list is ignored.
bool isFramingField(std::string_view name) {
  return boost::beast::iequals(name, "connection") || boost::beast::iequals(name, "content-length") ||
         boost::beast::iequals(name, "transfer-encoding");
}

/// Beast's set() replaces a field, so only the last header of each name is written.
bool replacedLater(const HeaderList& headers, std::size_t index) {
  for (std::size_t later = index + 1; later < headers.size(); ++later) {
    if (boost::beast::iequals(headers[later].first, headers[index].first)) return true;
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
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, *framing.content_length).ptr;
    out += "Content-Length: ";
    out.append(digits, end);
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

std::string headerBytes(const bhttp::request_header<>& header) {
  const auto method = header.method_string();
  const auto target = header.target();
  std::string out;
  out.reserve(method.size() + target.size() + 12 + fieldBytes(header));
  appendView(out, method);
  out += ' ';
  appendView(out, target);
  out += ' ';
  appendVersion(out, header.version());
  out += "\r\n";
  appendFields(out, header);
  return out;
}

std::string headerBytes(const bhttp::response_header<>& header) {
  const auto reason = header.reason();
  std::string out;
  out.reserve(reason.size() + 16 + fieldBytes(header));
  appendStatusLine(out, header.version(), header.result_int(), std::string_view(reason.data(), reason.size()));
  appendFields(out, header);
  return out;
}

}  // namespace pointsman::http
