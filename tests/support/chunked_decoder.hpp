#pragma once

#include <string>
#include <string_view>

namespace pointsman::test {

/// Incremental decoder of an HTTP/1.1 chunked body: raw bytes in, payload bytes out, with no
/// assumption about where the reads split the chunk framing.
class ChunkedDecoder {
 public:
  /// Appends the payload contained in `bytes` to `out`. Returns false on malformed framing.
  bool feed(std::string_view bytes, std::string& out);

  /// True once the terminating zero-length chunk and its empty trailer line were read.
  [[nodiscard]] bool finished() const { return finished_; }

  /// The number of chunks whose payload was not empty, so far.
  [[nodiscard]] std::size_t chunkCount() const { return chunkCount_; }

 private:
  std::string pending_;
  std::size_t remaining_ = 0;
  bool inPayload_ = false;
  bool finished_ = false;
  std::size_t chunkCount_ = 0;
};

}  // namespace pointsman::test
