#include "support/chunked_decoder.hpp"

#include <charconv>

namespace pointsman::test {

bool ChunkedDecoder::feed(std::string_view bytes, std::string& out) {
  pending_.append(bytes);
  std::size_t position = 0;
  while (!finished_) {
    if (inPayload_) {
      std::size_t available = pending_.size() - position;
      if (remaining_ > 0) {
        std::size_t take = std::min(available, remaining_);
        out.append(pending_, position, take);
        position += take;
        remaining_ -= take;
        if (remaining_ > 0) break;
      }
      if (pending_.size() - position < 2) break;
      if (pending_.compare(position, 2, "\r\n") != 0) return false;
      position += 2;
      inPayload_ = false;
      continue;
    }

    std::size_t lineEnd = pending_.find("\r\n", position);
    if (lineEnd == std::string::npos) break;
    std::string_view sizeLine(pending_.data() + position, lineEnd - position);
    sizeLine = sizeLine.substr(0, sizeLine.find(';'));
    std::size_t size = 0;
    auto [end, error] =
        std::from_chars(sizeLine.data(), sizeLine.data() + sizeLine.size(), size, 16);
    if (error != std::errc{} || sizeLine.empty()) return false;
    if (size == 0) {
      std::size_t trailerEnd = pending_.find("\r\n", lineEnd + 2);
      if (trailerEnd == std::string::npos) break;
      // Trailer fields are not expected from the gateway; the first empty line ends the body.
      if (trailerEnd != lineEnd + 2) return false;
      position = trailerEnd + 2;
      finished_ = true;
      break;
    }
    ++chunkCount_;
    remaining_ = size;
    inPayload_ = true;
    position = lineEnd + 2;
  }
  pending_.erase(0, position);
  return true;
}

}  // namespace pointsman::test
