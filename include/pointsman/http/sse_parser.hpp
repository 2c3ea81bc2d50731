#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::http {

/// One dispatched Server-Sent Event. `data` holds the joined `data:` lines (joined with "\n").
struct SseEvent {
  std::string event;
  std::string data;
  std::string id;
};

/// A stateful, byte-buffered parser for `text/event-stream` (the WHATWG SSE rules): bytes are fed
/// as they arrive, in whatever pieces the network produced, and whole events come out. Lines may
/// end in "\n", "\r\n" or "\r" (also when "\r" and "\n" arrive in separate reads), a field's
/// leading space after the colon is optional, and comment lines (": ...") are skipped.
/// Text is never decoded here, so a multi-byte UTF-8 character split across reads stays intact.
class SseParser {
 public:
  /// `max_event_bytes` bounds the bytes buffered for one event; past it the parser is in error.
  explicit SseParser(std::size_t max_event_bytes = 8u * 1024 * 1024);

  /// Appends bytes read from the network.
  void feed(std::string_view bytes);

  /// Returns the next complete event, or nothing until more bytes are fed.
  std::optional<SseEvent> next();

  /// True once an event grew past the limit; the stream should be failed.
  [[nodiscard]] bool overflowed() const;

  /// Bytes fed but not yet part of a returned event.
  [[nodiscard]] std::size_t bufferedBytes() const;

 private:
  // Implementation-defined state: the input buffer, the read position, the event being built.
  std::string buffer_;
  std::size_t position_ = 0;
  SseEvent pending_;
  bool pending_has_data_ = false;
  bool skip_leading_newline_ = false;
  bool overflowed_ = false;
  std::size_t max_event_bytes_;
};

/// Serializes an event for the client: `event:` and `id:` lines when set, one `data:` line per
/// line of data, then the blank line.
std::string formatSseEvent(const SseEvent& event);

}  // namespace pointsman::http
