#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "support/recorded_request.hpp"

namespace pointsman::test {

/// Incremental HTTP/1.1 request parser for the mock upstream: bytes go in as they were read,
/// whole requests come out. Bodies are framed by `Content-Length` or chunked encoding. Work per
/// feed is proportional to the new bytes, so a 30 MB body does not get rescanned on every read.
class IncomingRequestParser {
 public:
  void feed(std::string_view bytes);

  /// Returns the next complete request, or nothing until more bytes arrive.
  std::optional<RecordedRequest> next();

  /// True once the input could not be parsed as HTTP/1.1; the connection should be closed.
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  bool parseHead(std::size_t headEnd);
  bool decodeChunks();

  std::string buffer_;
  std::size_t scanFrom_ = 0;
  bool headParsed_ = false;
  bool failed_ = false;
  RecordedRequest current_;
  std::size_t bodyStart_ = 0;
  std::size_t contentLength_ = 0;
  std::size_t chunkCursor_ = 0;
};

}  // namespace pointsman::test
