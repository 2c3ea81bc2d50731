#include "support/sse_client.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace pointsman::test {

SseClient::SseClient(std::uint16_t port, RequestOptions options)
    : port_(port), options_(std::move(options)), connection_(port) {
  connection_.sendAll(serializeRequest(port_, options_), Clock::now() + options_.timeout);
}

bool SseClient::waitForHead(std::chrono::milliseconds timeout) {
  if (headRead_) return true;
  try {
    head_ = readResponseHead(connection_, buffer_, Clock::now() + timeout);
  } catch (const std::runtime_error&) {
    return false;
  }
  headRead_ = true;
  headArrived_ = Clock::now();
  // Bytes that came with the head belong to the body.
  std::string early = std::move(buffer_);
  buffer_.clear();
  if (head_.chunked) {
    if (!decoder_.feed(early, rawBody_)) throw std::runtime_error("invalid chunked framing");
    ended_ = decoder_.finished();
  } else {
    rawBody_ += early;
    markEndByContentLength();
  }
  unparsed_ = rawBody_;
  return true;
}

// A response with Content-Length (an error in JSON, usually) ends after that many bytes, even on
// a connection the server keeps open.
void SseClient::markEndByContentLength() {
  if (head_.hasHeader("content-length") &&
      rawBody_.size() >= std::stoull(head_.header("content-length"))) {
    ended_ = true;
  }
}

// Reads one more piece of the body; false at end of stream or when the deadline passed.
bool SseClient::readMore(Clock::time_point deadline) {
  if (ended_ || !connection_.isOpen()) return false;
  bool timedOut = false;
  std::string bytes = connection_.tryReadSome(deadline, timedOut);
  if (timedOut) return false;
  if (bytes.empty()) {
    ended_ = true;
    return false;
  }
  std::string decoded;
  if (head_.chunked) {
    if (!decoder_.feed(bytes, decoded)) throw std::runtime_error("invalid chunked framing");
    ended_ = decoder_.finished();
  } else {
    decoded = std::move(bytes);
  }
  rawBody_ += decoded;
  unparsed_ += decoded;
  if (!head_.chunked) markEndByContentLength();
  return true;
}

std::optional<ReceivedEvent> SseClient::parseEvent(Clock::time_point arrived) {
  for (;;) {
    std::size_t lineEnd = unparsed_.find_first_of("\r\n");
    if (lineEnd == std::string::npos) return std::nullopt;
    // A "\r" at the end of what arrived may be the first half of "\r\n": wait for the next byte.
    if (unparsed_[lineEnd] == '\r' && lineEnd + 1 == unparsed_.size() && !ended_) {
      return std::nullopt;
    }
    std::size_t next = lineEnd + 1;
    if (unparsed_[lineEnd] == '\r' && next < unparsed_.size() && unparsed_[next] == '\n') ++next;
    std::string line = unparsed_.substr(0, lineEnd);
    unparsed_.erase(0, next);

    if (line.empty()) {
      if (!pendingHasData_) continue;
      ReceivedEvent event{.data = std::move(pendingData_), .arrived = arrived};
      pendingData_.clear();
      pendingHasData_ = false;
      return event;
    }
    if (line.front() == ':') {
      commentTimes_.push_back(arrived);
      continue;
    }
    std::size_t colon = line.find(':');
    std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? std::string{} : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (field == "data") {
      if (pendingHasData_) pendingData_ += '\n';
      pendingData_ += value;
      pendingHasData_ = true;
    }
  }
}

std::optional<ReceivedEvent> SseClient::nextEvent(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  if (!waitForHead(timeout)) return std::nullopt;
  for (;;) {
    if (auto event = parseEvent(Clock::now())) return event;
    if (!readMore(deadline)) {
      // The body may end without a final blank line; what is left cannot form an event.
      return ended_ ? parseEvent(Clock::now()) : std::nullopt;
    }
  }
}

std::vector<ReceivedEvent> SseClient::readAll(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::vector<ReceivedEvent> events;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    auto event = nextEvent(left);
    if (!event) break;
    events.push_back(std::move(*event));
  }
  return events;
}

std::string SseClient::readBody(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  if (!waitForHead(timeout)) return {};
  if (head_.hasHeader("content-length")) {
    std::size_t length = std::stoull(head_.header("content-length"));
    while (rawBody_.size() < length && readMore(deadline)) {
    }
    return rawBody_.substr(0, length);
  }
  while (readMore(deadline)) {
  }
  return rawBody_;
}

void SseClient::close() { connection_.close(); }

std::string assembleContent(const std::vector<ReceivedEvent>& events) {
  std::string text;
  for (const auto& event : events) {
    const auto chunk = nlohmann::json::parse(event.data, nullptr, false);
    if (!chunk.is_object() || !chunk.contains("choices")) continue;
    for (const auto& choice : chunk["choices"]) {
      const auto delta = choice.value("delta", nlohmann::json::object());
      if (delta.contains("content") && delta["content"].is_string()) text += delta["content"].get<std::string>();
    }
  }
  return text;
}

std::size_t countRoleChunks(const std::vector<ReceivedEvent>& events) {
  std::size_t count = 0;
  for (const auto& event : events) {
    const auto chunk = nlohmann::json::parse(event.data, nullptr, false);
    if (!chunk.is_object() || !chunk.contains("choices") || chunk["choices"].empty()) continue;
    if (chunk["choices"][0].value("delta", nlohmann::json::object()).contains("role")) ++count;
  }
  return count;
}

}  // namespace pointsman::test
