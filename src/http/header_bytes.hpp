#pragma once

// The header of an HTTP/1.1 message as one string, ready for the wire. Beast's serializer hands
// the socket one buffer per token (method, target, every field line, every CRLF) and walks them
// through several layers of buffer-sequence adaptors. In a perf profile of non-streamed relays
// (one worker, wrk -c64, the C mock upstream of bench/run --anchors) that walk took about 12 % of
// the gateway's CPU. A message whose body is one string in memory is cheaper to send as this
// string plus the body, in one gather write.

#include <boost/beast/http/message.hpp>

#include <string>

namespace pointsman::http {

/// Serializes the request line, the fields in their stored order and the blank line, byte for
/// byte as Beast's serializer writes them.
std::string headerBytes(const boost::beast::http::request_header<>& header);

/// Serializes the status line, the fields in their stored order and the blank line, byte for
/// byte as Beast's serializer writes them.
std::string headerBytes(const boost::beast::http::response_header<>& header);

}  // namespace pointsman::http
