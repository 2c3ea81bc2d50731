#include "pointsman/http/sse_parser.hpp"

#include <algorithm>
#include <utility>

namespace pointsman::http {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

void appendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  for (const char c : value) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  out.push_back('\n');
}

void appendDataLines(std::string& out, std::string_view data) {
  std::size_t start = 0;
  while (true) {
    const std::size_t end = data.find_first_of("\r\n", start);
    const std::string_view line = data.substr(start, end - start);

    out.append(line.empty() ? "data:" : "data: ");
    out.append(line);
    out.push_back('\n');
    if (end == std::string_view::npos) return;

    start = end + 1;
    if (data[end] == '\r' && start < data.size() && data[start] == '\n') ++start;
  }
}

}  // namespace

SseParser::SseParser(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

void SseParser::feed(std::string_view bytes) {
  if (overflowed_) return;
  buffer_.append(bytes);
}

std::optional<SseEvent> SseParser::next() {
  if (overflowed_ || !skipByteOrderMark()) return std::nullopt;

  std::string_view line;
  std::size_t lineBytes = 0;
  while (takeLine(line, lineBytes)) {
    std::optional<SseEvent> event = processLine(line, lineBytes);
    if (overflowed_) return std::nullopt;
    if (event) {
      compact();
      return event;
    }
  }

  // What is left has no line end yet, so all of it belongs to the pending event.
  if (pending_bytes_ + (buffer_.size() - position_) > max_event_bytes_) {
    markOverflowed();
    return std::nullopt;
  }
  compact();
  return std::nullopt;
}

bool SseParser::overflowed() const { return overflowed_; }

std::size_t SseParser::bufferedBytes() const {
  return pending_bytes_ + (buffer_.size() - position_);
}

// The WHATWG decoder drops one UTF-8 byte order mark at the start of the stream. Returns false
// while too few bytes have arrived to tell.
bool SseParser::skipByteOrderMark() {
  if (!at_stream_start_) return true;

  const std::size_t available = std::min(kByteOrderMark.size(), buffer_.size() - position_);
  if (std::string_view(buffer_).substr(position_, available) !=
      kByteOrderMark.substr(0, available)) {
    at_stream_start_ = false;
    return true;
  }
  if (available < kByteOrderMark.size()) return false;

  position_ += kByteOrderMark.size();
  at_stream_start_ = false;
  return true;
}

// Takes the next complete line (without its line end) from the buffer. `line` points into
// buffer_ and stays valid until the buffer is compacted.
bool SseParser::takeLine(std::string_view& line, std::size_t& lineBytes) {
  if (skip_leading_newline_ && position_ < buffer_.size()) {
    skip_leading_newline_ = false;
    if (buffer_[position_] == '\n') ++position_;
  }

  const std::size_t end = buffer_.find_first_of("\r\n", position_ + scanned_);
  if (end == std::string::npos) {
    scanned_ = buffer_.size() - position_;
    return false;
  }

  std::size_t after = end + 1;
  if (buffer_[end] == '\r') {
    if (after == buffer_.size()) {
      skip_leading_newline_ = true;
    } else if (buffer_[after] == '\n') {
      ++after;
    }
  }

  line = std::string_view(buffer_).substr(position_, end - position_);
  lineBytes = after - position_;
  position_ = after;
  scanned_ = 0;
  return true;
}

std::optional<SseEvent> SseParser::processLine(std::string_view line, std::size_t lineBytes) {
  if (line.empty()) return dispatch();
  if (line.front() == ':') return std::nullopt;

  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }

  if (field == "data") {
    pending_.data.append(value);
    pending_.data.push_back('\n');
  } else if (field == "event") {
    pending_.event.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) pending_.id.assign(value);
  } else {
    // "retry" and unknown fields do not change the event.
    return std::nullopt;
  }

  pending_bytes_ += lineBytes;
  if (pending_bytes_ > max_event_bytes_) markOverflowed();
  return std::nullopt;
}

std::optional<SseEvent> SseParser::dispatch() {
  std::optional<SseEvent> event;
  if (!pending_.data.empty()) {
    pending_.data.pop_back();
    event = std::move(pending_);
  }

  pending_ = SseEvent{};
  pending_bytes_ = 0;
  return event;
}

void SseParser::markOverflowed() {
  overflowed_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  position_ = 0;
  scanned_ = 0;
  pending_ = SseEvent{};
  pending_bytes_ = 0;
}

// Drops processed bytes once they are half the buffer, so the buffer stays near the size of the
// unprocessed input and each byte is moved a bounded number of times.
void SseParser::compact() {
  if (position_ == buffer_.size()) {
    buffer_.clear();
    position_ = 0;
  } else if (position_ > buffer_.size() / 2) {
    buffer_.erase(0, position_);
    position_ = 0;
  }
}

std::string formatSseEvent(const SseEvent& event) {
  std::string out;
  out.reserve(event.event.size() + event.id.size() + event.data.size() + 32);

  if (!event.event.empty()) appendField(out, "event", event.event);
  if (!event.id.empty()) appendField(out, "id", event.id);
  appendDataLines(out, event.data);
  out.push_back('\n');
  return out;
}

}  // namespace pointsman::http
