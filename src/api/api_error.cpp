#include <pointsman/api/api_error.hpp>

#include <pointsman/http/error_body.hpp>

namespace pointsman::api {

std::string ApiError::body() const { return http::openAiErrorBody(message, type, param, code); }

ApiError ApiError::invalidRequest(std::string message, std::string param, std::string code) {
  return {400, std::move(message), "invalid_request_error", std::move(param), std::move(code), {}};
}

ApiError ApiError::modelNotFound(const std::string& model) {
  // The same words whether the name is unknown or only not allowed, so a 404 reveals nothing.
  return {404,
          "The model `" + model + "` does not exist or you do not have access to it.",
          "invalid_request_error",
          "model",
          "model_not_found",
          {}};
}

ApiError ApiError::notFound(const std::string& path) {
  return {404, "Unknown request URL: " + path + ". Check the path and the HTTP method.",
          "invalid_request_error", {}, "unknown_url", {}};
}

ApiError ApiError::methodNotAllowed(const std::string& method, const std::string& path, std::string allowed) {
  return {405, "Method " + method + " is not allowed for " + path + "; use " + allowed + ".", "invalid_request_error",
          {}, "method_not_allowed", {}, std::move(allowed)};
}

ApiError ApiError::unsupportedMediaType(std::string message) {
  return {415, std::move(message), "invalid_request_error", {}, "unsupported_media_type", {}};
}

}  // namespace pointsman::api
