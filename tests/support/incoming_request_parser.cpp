#include "support/incoming_request_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace pointsman::test {
namespace {

std::string toLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

void IncomingRequestParser::feed(std::string_view bytes) { buffer_.append(bytes); }

bool IncomingRequestParser::parseHead(std::size_t headEnd) {
  std::string_view head(buffer_.data(), headEnd);
  std::size_t lineEnd = head.find("\r\n");
  std::string_view requestLine = head.substr(0, lineEnd);
  std::size_t firstSpace = requestLine.find(' ');
  std::size_t secondSpace = requestLine.find(' ', firstSpace + 1);
  if (firstSpace == std::string_view::npos || secondSpace == std::string_view::npos) return false;

  current_ = RecordedRequest{};
  current_.method = std::string(requestLine.substr(0, firstSpace));
  current_.target = std::string(requestLine.substr(firstSpace + 1, secondSpace - firstSpace - 1));

  std::size_t position = lineEnd == std::string_view::npos ? head.size() : lineEnd + 2;
  while (position < head.size()) {
    std::size_t end = head.find("\r\n", position);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(position, end - position);
    position = end + 2;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    std::string name = toLower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    auto [slot, inserted] = current_.headers.emplace(name, value);
    if (!inserted) slot->second += ", " + value;
  }

  current_.chunked =
      toLower(current_.header("transfer-encoding")).find("chunked") != std::string::npos;
  contentLength_ = 0;
  if (!current_.chunked && current_.hasHeader("content-length")) {
    std::string length = current_.header("content-length");
    auto [end, error] =
        std::from_chars(length.data(), length.data() + length.size(), contentLength_);
    if (error != std::errc{} || end != length.data() + length.size()) return false;
  }
  bodyStart_ = headEnd + 4;
  chunkCursor_ = bodyStart_;
  return true;
}

// Appends every complete chunk after chunkCursor_ to the body; returns true after the last one.
bool IncomingRequestParser::decodeChunks() {
  for (;;) {
    std::size_t lineEnd = buffer_.find("\r\n", chunkCursor_);
    if (lineEnd == std::string::npos) return false;
    std::string_view sizeLine(buffer_.data() + chunkCursor_, lineEnd - chunkCursor_);
    sizeLine = sizeLine.substr(0, sizeLine.find(';'));
    std::size_t size = 0;
    auto [end, error] =
        std::from_chars(sizeLine.data(), sizeLine.data() + sizeLine.size(), size, 16);
    if (error != std::errc{}) {
      failed_ = true;
      return false;
    }
    if (size == 0) {
      // Trailer lines (rare) end with an empty line; the common case is "0\r\n\r\n".
      std::size_t trailerEnd = buffer_.find("\r\n\r\n", lineEnd);
      if (buffer_.compare(lineEnd, 4, "\r\n\r\n") == 0) trailerEnd = lineEnd;
      if (trailerEnd == std::string::npos) return false;
      chunkCursor_ = trailerEnd + 4;
      return true;
    }
    if (buffer_.size() < lineEnd + 2 + size + 2) return false;
    current_.body.append(buffer_, lineEnd + 2, size);
    chunkCursor_ = lineEnd + 2 + size + 2;
  }
}

std::optional<RecordedRequest> IncomingRequestParser::next() {
  if (failed_) return std::nullopt;
  if (!headParsed_) {
    std::size_t headEnd = buffer_.find("\r\n\r\n", scanFrom_);
    if (headEnd == std::string::npos) {
      scanFrom_ = buffer_.size() > 3 ? buffer_.size() - 3 : 0;
      return std::nullopt;
    }
    if (!parseHead(headEnd)) {
      failed_ = true;
      return std::nullopt;
    }
    headParsed_ = true;
  }

  std::size_t consumed = 0;
  if (current_.chunked) {
    if (!decodeChunks()) return std::nullopt;
    consumed = chunkCursor_;
  } else {
    if (buffer_.size() - bodyStart_ < contentLength_) return std::nullopt;
    current_.body = buffer_.substr(bodyStart_, contentLength_);
    consumed = bodyStart_ + contentLength_;
  }

  buffer_.erase(0, consumed);
  scanFrom_ = 0;
  headParsed_ = false;
  RecordedRequest complete = std::move(current_);
  current_ = RecordedRequest{};
  return complete;
}

}  // namespace pointsman::test
