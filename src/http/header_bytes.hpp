#pragma once

// The head of a response as one string, ready for the wire. Beast's serializer hands the socket
// one buffer per token (status, every field line, every CRLF) and walks them through several
// layers of buffer-sequence adaptors. In a perf profile of non-streamed relays (one worker,
// wrk -c64, the C mock upstream of bench/run --anchors) that walk took about 12 % of the
// gateway's CPU. A response whose body is one string in memory is cheaper to send as this string
// plus the body, in one gather write.

#include <pointsman/http/response_writer.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pointsman::http {

/// Room for a Content-Length line of any 64-bit length.
using ContentLengthBuffer = std::array<char, 48>;

/// The line "Content-Length: `length`" with its CRLF, written into `buffer`.
std::string_view contentLengthLine(ContentLengthBuffer& buffer, std::size_t length);

/// The framing of a response's body on the wire.
struct ResponseFraming {
  bool keep_alive = true;
  /// The body's length; nullopt for a chunked body (a stream).
  std::optional<std::size_t> content_length;
};

/// The status line and fields of a response, built straight from `headers` without a Beast field
/// list: each of those cost an allocation per field and a case-insensitive search per `set`. The
/// result equals what Beast writes for a message whose fields were `set` in order and then given
/// keep_alive() and prepare_payload() or chunked(): a later header replaces an earlier one of the
/// same name, and Connection, Content-Length and Transfer-Encoding follow `framing`, whatever
/// `headers` contains.
std::string responseHead(unsigned status, unsigned version, const HeaderList& headers,
                         const ResponseFraming& framing);

/// The same head for headers stored elsewhere.
std::string responseHead(unsigned status, unsigned version, std::span<const HeaderView> headers,
                         const ResponseFraming& framing);

}  // namespace pointsman::http
