#pragma once

// The HTTP/1.1 parser of the gateway, for a client's request and an upstream's response. It reads
// the start line, the fields, and a body framed as RFC 9112 sets out: by Content-Length, by
// chunked transfer coding or, for a response, by the close of the connection.
//
// Beast's basic_parser looked every field name up in its table of known names, parsed the framing
// fields as token lists and gave each field its own allocation. In a callgrind profile that came to
// about 700 instructions per field, on messages with half a dozen fields of which a few are read. This parser finds the end
// of the head first, checks each line with one table lookup per byte and keeps the fields in one
// string.
//
// The member names follow Beast's parsers (put, put_eof, is_done, ...), because the read helpers
// in src/http/stream_io.hpp were written for them and the errors are Beast's http::error codes.

#include <pointsman/http/header_fields.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace pointsman::http {

enum class MessageKind { Request, Response };

class MessageParser {
 public:
  explicit MessageParser(MessageKind kind) : kind_(kind) {}

  /// The largest head (start line and fields) accepted; a longer one fails with header_limit.
  void header_limit(std::size_t bytes) { header_limit_ = bytes; }
  /// The largest body accepted; a longer one fails with body_limit. A declared Content-Length
  /// over the limit fails as soon as the head is read.
  void body_limit(std::uint64_t bytes) { body_limit_ = bytes; }

  /// Parses from the start of `buffer` and returns how many bytes it used. It stops after the
  /// head, so the caller can look at it before any body byte is taken. An incomplete head uses
  /// nothing and sets `error` to need_more; the caller then reads more and calls again with the
  /// same bytes in front. Malformed input sets one of Beast's http::error codes.
  std::size_t put(boost::asio::const_buffer buffer, boost::system::error_code& error);

  /// Tells the parser that the connection closed: this ends a response body that runs until the
  /// close, and is a partial_message error anywhere else.
  void put_eof(boost::system::error_code& error);

  [[nodiscard]] bool got_some() const { return got_some_; }
  [[nodiscard]] bool is_header_done() const { return state_ != State::Head; }
  [[nodiscard]] bool is_done() const { return state_ == State::Done; }
  /// Whether the connection can carry another message after this one.
  [[nodiscard]] bool keep_alive() const { return keep_alive_; }

  /// HTTP version as 10 or 11.
  [[nodiscard]] unsigned version() const { return version_; }
  /// Responses: the status code.
  [[nodiscard]] unsigned status() const { return status_; }
  /// Requests: the method, case-sensitive as sent ("POST").
  [[nodiscard]] const std::string& method() const { return method_; }
  /// Requests: the request target as sent (path and query).
  [[nodiscard]] const std::string& target() const { return target_; }
  [[nodiscard]] const HeaderFields& fields() const { return fields_; }

  /// Sets where body bytes go: they are appended to `sink`. Without a sink they go to the
  /// parser's own body().
  void setBodySink(std::string* sink) { body_sink_ = sink; }
  [[nodiscard]] std::string& body() { return body_; }

  /// Hands over the method, target, fields and own body of a finished message.
  std::string releaseMethod() { return std::move(method_); }
  std::string releaseTarget() { return std::move(target_); }
  HeaderFields releaseFields() { return std::move(fields_); }
  std::string releaseBody() { return std::move(body_); }

 private:
  enum class State { Head, Length, UntilClose, ChunkSize, ChunkData, ChunkEnd, Trailer, Done };

  /// The values of the framing fields, gathered while the fields are read.
  struct Framing {
    bool has_content_length = false;
    std::uint64_t content_length = 0;
    bool has_transfer_encoding = false;
    bool chunked_seen = false;
    bool chunked_last = false;
    bool connection_close = false;
    bool connection_keep_alive = false;
  };

  std::size_t putHead(std::string_view bytes, boost::system::error_code& error);
  void parseHead(std::string_view head, boost::system::error_code& error);
  void parseRequestLine(std::string_view line, boost::system::error_code& error);
  void parseStatusLine(std::string_view line, boost::system::error_code& error);
  /// Reads the field line that starts at `at` and returns where the next line starts.
  std::size_t parseFieldLine(std::string_view head, std::size_t at, Framing& framing, boost::system::error_code& error);
  /// Checks a field for the framing it sets and adds it; `name` and `value` are views into `head`.
  void addField(std::string_view head, std::string_view name, std::string_view value, Framing& framing,
                boost::system::error_code& error);
  void startBody(const Framing& framing, boost::system::error_code& error);
  void startRequestBody(const Framing& framing, boost::system::error_code& error);
  void startResponseBody(const Framing& framing, boost::system::error_code& error);
  void expectLength(std::uint64_t length, boost::system::error_code& error);
  std::size_t putBody(std::string_view bytes, boost::system::error_code& error);
  std::size_t putChunked(std::string_view bytes, boost::system::error_code& error);
  void appendBody(std::string_view bytes);

  MessageKind kind_;
  State state_ = State::Head;
  std::size_t header_limit_ = 8192;
  std::uint64_t body_limit_ = 8 * 1024 * 1024;
  /// How far the search for the head's end got, so a head that arrives in pieces is scanned once.
  std::size_t head_scanned_ = 0;
  bool got_some_ = false;
  unsigned version_ = 11;
  unsigned status_ = 0;
  std::string method_;
  std::string target_;
  bool keep_alive_ = false;
  /// Bytes left in the body (Length) or in the current chunk (ChunkData).
  std::uint64_t remaining_ = 0;
  std::uint64_t body_size_ = 0;
  HeaderFields fields_;
  std::string body_;
  std::string* body_sink_ = nullptr;
};

}  // namespace pointsman::http
