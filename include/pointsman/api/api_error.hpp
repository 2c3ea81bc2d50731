#pragma once

#include <string>

namespace pointsman::api {

/// An error the gateway returns to a client, in the OpenAI error shape and with the status the
/// OpenAI API would use for the same fault.
struct ApiError {
  unsigned status = 500;
  std::string message;
  std::string type = "server_error";
  std::string param;  // empty: null
  std::string code;   // empty: null
  /// Seconds for a `Retry-After` header; empty: no header.
  std::string retry_after;
  /// For 405: the methods the path accepts, sent as the `Allow` header.
  std::string allow = {};

  /// `{"error":{"message","type","param","code"}}`.
  [[nodiscard]] std::string body() const;

  static ApiError invalidRequest(std::string message, std::string param = {}, std::string code = {});
  static ApiError modelNotFound(const std::string& model);
  static ApiError notFound(const std::string& path);
  static ApiError methodNotAllowed(const std::string& method, const std::string& path, std::string allowed);
  static ApiError unsupportedMediaType(std::string message);
};

}  // namespace pointsman::api
