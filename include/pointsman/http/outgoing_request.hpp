#pragma once

// A request the gateway sends to an upstream. Its fields are kept as the wire lines they become,
// in one string, so building a request costs no allocation per field and sending it no
// serializer. A Beast field list allocated every field and searched its set on each insert: about
// 6,000 instructions per relayed request in a callgrind profile.

#include <pointsman/http/url.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace pointsman::http {

class OutgoingRequest {
 public:
  /// An HTTP/1.1 request for `target` (path and query). Keep-alive is HTTP/1.1's default, so no
  /// Connection field is written.
  OutgoingRequest(std::string_view method, std::string_view target);

  /// Appends a field without looking for an earlier one of the same name: for the fields the
  /// gateway writes first, into a request that cannot hold them yet.
  ///
  /// Both add() and set() ignore the fields that frame the body (Content-Length and
  /// Transfer-Encoding): head() writes the body's length itself, and a value from configuration or
  /// a client would contradict it.
  void add(std::string_view name, std::string_view value);

  /// Appends whole "Name: value\r\n" lines as they are: fixed fields the gateway writes first.
  /// The caller makes sure that none of them frames the body.
  void addLines(std::string_view lines);

  /// Appends the Host field of `url`.
  void addHost(const Url& url);

  /// Replaces the value of the first field named `name` (compared without case) and removes any
  /// later ones, or appends the field when there is none.
  void set(std::string_view name, std::string_view value);

  /// The value of the first field named `name`, compared without case.
  [[nodiscard]] std::optional<std::string_view> field(std::string_view name) const;

  [[nodiscard]] const std::string& method() const { return method_; }
  [[nodiscard]] const std::string& target() const { return target_; }
  /// The body for writing. A borrowed body (see borrowBody) is copied first, so the request owns
  /// what it changes.
  [[nodiscard]] std::string& body() {
    if (borrowed_body_ != nullptr) {
      body_ = *borrowed_body_;
      borrowed_body_ = nullptr;
    }
    return body_;
  }
  /// The body to send: the borrowed one, else the one the request owns.
  [[nodiscard]] const std::string& body() const { return borrowed_body_ ? *borrowed_body_ : body_; }

  /// Sends `body` without a copy, so `body` must outlive the request. A relayed request usually
  /// sends the client's bytes unchanged, and a copy would cost an allocation per request.
  void borrowBody(const std::string& body) { borrowed_body_ = &body; }

  /// The request line, the fields in the order they were added, the Content-Length of the body
  /// and the blank line. A body-less GET, HEAD or DELETE gets no Content-Length, as with Beast's
  /// prepare_payload().
  [[nodiscard]] std::string head() const;

 private:
  struct FieldLine {
    std::size_t begin = 0;  // the first byte of the name
    std::size_t value = 0;  // the first byte of the value
    std::size_t end = 0;    // the CR of the line's CRLF
  };

  [[nodiscard]] std::optional<FieldLine> findLine(std::string_view name, std::size_t from) const;

  std::string method_;
  std::string target_;
  /// "Name: value\r\n" lines, back to back.
  std::string fields_;
  std::string body_;
  const std::string* borrowed_body_ = nullptr;
};

}  // namespace pointsman::http
