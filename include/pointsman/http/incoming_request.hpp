#pragma once

#include <pointsman/http/header_fields.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace pointsman::http {

/// A client's request as the gateway's handlers see it: the parts of its head they read, and the
/// whole body.
class RequestMessage {
 public:
  RequestMessage() = default;
  RequestMessage(std::string method, std::string target, unsigned version, bool keep_alive, HeaderFields fields,
                 std::string body)
      : method_(std::move(method)),
        target_(std::move(target)),
        version_(version),
        keep_alive_(keep_alive),
        fields_(std::move(fields)),
        body_(std::move(body)) {}

  /// The method as sent; methods are case-sensitive ("POST", not "post").
  [[nodiscard]] const std::string& method() const { return method_; }
  /// The request target as sent: the path and the query.
  [[nodiscard]] const std::string& target() const { return target_; }
  /// HTTP version as 10 or 11.
  [[nodiscard]] unsigned version() const { return version_; }
  /// Whether the client keeps the connection open after the response.
  [[nodiscard]] bool keep_alive() const { return keep_alive_; }

  [[nodiscard]] const HeaderFields& fields() const { return fields_; }
  [[nodiscard]] HeaderFields& fields() { return fields_; }
  /// The value of the first header named `name` (any case), or an empty view.
  [[nodiscard]] std::string_view header(std::string_view name) const { return fields_.value(name); }

  [[nodiscard]] const std::string& body() const { return body_; }
  [[nodiscard]] std::string& body() { return body_; }

 private:
  std::string method_;
  std::string target_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  HeaderFields fields_;
  std::string body_;
};

/// A request read completely from a client connection.
struct IncomingRequest {
  RequestMessage message;
  /// Set when the whole request had been read; the gateway's own time starts here.
  std::chrono::steady_clock::time_point received_at;
  std::string remote_address;
  bool tls = false;
};

}  // namespace pointsman::http
