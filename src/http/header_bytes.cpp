#include "http/header_bytes.hpp"

#include "http/http_token.hpp"

#include <pointsman/telemetry/text_builder.hpp>

#include <boost/beast/http/status.hpp>

#include <array>
#include <charconv>
#include <cstring>

namespace pointsman::http {
namespace bhttp = boost::beast::http;

namespace {


/// Fields the framing decides; a value for them in the header list is ignored.
bool isFramingField(std::string_view name) {
  return sameToken(name, "connection") || sameToken(name, "content-length") ||
         sameToken(name, "transfer-encoding");
}

/// Beast's set() replaces a field, so only the last header of each name is written.
template <class Headers>
bool replacedLater(const Headers& headers, std::size_t index) {
  for (std::size_t later = index + 1; later < headers.size(); ++later) {
    if (sameToken(headers[later].first, headers[index].first)) return true;
  }
  return false;
}

/// Returns the start of a status line such as "HTTP/1.1 200 ": version, status code and the space
/// before the reason.
std::array<char, 13> statusLineStart(unsigned version, unsigned status) {
  return {'H', 'T', 'T', 'P', '/', static_cast<char>('0' + version / 10), '.', static_cast<char>('0' + version % 10), ' ',
          static_cast<char>('0' + status / 100 % 10), static_cast<char>('0' + status / 10 % 10),
          static_cast<char>('0' + status % 10), ' '};
}

/// Responses that never carry a body, and so no Content-Length from prepare_payload().
bool hasNoBody(unsigned status) { return status < 200 || status == 204 || status == 304; }

}  // namespace

std::string_view contentLengthLine(ContentLengthBuffer& buffer, std::size_t length) {
  constexpr std::string_view kName = "Content-Length: ";
  std::memcpy(buffer.data(), kName.data(), kName.size());
  char* end = std::to_chars(buffer.data() + kName.size(), buffer.data() + buffer.size() - 2, length).ptr;
  *end++ = '\r';
  *end++ = '\n';
  return std::string_view(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
}

namespace {

template <class Headers>
std::string buildResponseHead(unsigned status, unsigned version, const Headers& headers,
                              const ResponseFraming& framing) {
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  telemetry::TextBuilder<2048> out;

  const auto status_line = statusLineStart(version, status);
  out.append(std::string_view(status_line.data(), status_line.size()));
  out.append(std::string_view(reason.data(), reason.size()));
  out.append("\r\n");
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const auto& [name, value] = headers[i];
    if (isFramingField(name) || replacedLater(headers, i)) continue;
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }

  // HTTP/1.1 keeps the connection open by default, and HTTP/1.0 closes it by default.
  if (version >= 11 && !framing.keep_alive) out.append("Connection: close\r\n");
  if (version < 11 && framing.keep_alive) out.append("Connection: keep-alive\r\n");

  if (!framing.content_length) {
    out.append("Transfer-Encoding: chunked\r\n");
  } else if (!hasNoBody(status)) {
    ContentLengthBuffer line;
    out.append(contentLengthLine(line, *framing.content_length));
  }
  out.append("\r\n");
  return out.take();
}

}  // namespace

std::string responseHead(unsigned status, unsigned version, const HeaderList& headers,
                         const ResponseFraming& framing) {
  return buildResponseHead(status, version, headers, framing);
}

std::string responseHead(unsigned status, unsigned version, std::span<const HeaderView> headers,
                         const ResponseFraming& framing) {
  return buildResponseHead(status, version, headers, framing);
}

}  // namespace pointsman::http
