#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::http {

/// One dispatched Server-Sent Event. `data` holds the joined `data:` lines (joined with "\n").
/// `id` is the value of the `id:` line inside this event, empty when it had none: unlike a browser,
/// the parser does not carry the last id over to later events, so a relay can forward ids as sent.
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
  /// `max_event_bytes` bounds the bytes of one event: its data, event and id lines, line ends
  /// included, plus any unterminated line. Past it the parser is in error.
  explicit SseParser(std::size_t max_event_bytes = 8u * 1024 * 1024);

  /// Appends bytes read from the network. After an overflow the bytes are dropped.
  /// Call next() until it returns nothing after each feed, so processed bytes are released.
  void feed(std::string_view bytes);

  /// Returns the next complete event, or nothing until more bytes are fed.
  std::optional<SseEvent> next();

  /// True once an event grew past the limit; the stream should be failed.
  [[nodiscard]] bool overflowed() const;

  /// Bytes held for events not yet returned: unprocessed input plus the lines of the pending event.
  [[nodiscard]] std::size_t bufferedBytes() const;

 private:
  bool skipByteOrderMark();
  bool takeLine(std::string_view& line, std::size_t& lineBytes);
  std::optional<SseEvent> processLine(std::string_view line, std::size_t lineBytes);
  std::optional<SseEvent> dispatch();
  void markOverflowed();
  void compact();

  std::string buffer_;
  // Start of the first unprocessed byte in buffer_.
  std::size_t position_ = 0;
  // Bytes after position_ already searched for a line end, so a long line fed in small pieces is
  // scanned once in total instead of once per piece.
  std::size_t scanned_ = 0;
  // The event being built. Its data keeps the "\n" after every data line until dispatch, so an
  // empty data string means no data line was seen.
  SseEvent pending_;
  // Bytes of the data, event and id lines of pending_, counted against max_event_bytes_.
  std::size_t pending_bytes_ = 0;
  // Set when the last line ended in "\r" at the end of the buffer: a "\n" arriving next belongs
  // to that line end.
  bool skip_leading_newline_ = false;
  bool at_stream_start_ = true;
  bool overflowed_ = false;
  std::size_t max_event_bytes_;
};

/// Serializes an event for the client: `event:` and `id:` lines when set, one `data:` line per
/// line of data, then the blank line. Data is split at "\n", "\r\n" and "\r", because a receiver
/// would end a line there anyway. Line-end bytes in `event` and `id` are dropped so that they
/// cannot start a new field.
std::string formatSseEvent(const SseEvent& event);

}  // namespace pointsman::http
