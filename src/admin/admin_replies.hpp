#pragma once

// Reply helpers shared by the admin endpoints.

#include <pointsman/http/error_body.hpp>
#include <pointsman/http/response_writer.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

namespace pointsman::admin {

inline http::HeaderList jsonHeaders() {
  http::HeaderList headers;
  headers.emplace_back("content-type", "application/json");
  return headers;
}

/// Sends an OpenAI-shaped error.
inline boost::asio::awaitable<void> sendError(http::ResponseWriter& writer, unsigned status, std::string_view message,
                                              std::string_view type, std::string_view param, std::string_view code) {
  co_await writer.sendResponse(status, jsonHeaders(), http::openAiErrorBody(message, type, param, code));
}

/// Sends 405 with the `allow` header naming the methods the path takes.
inline boost::asio::awaitable<void> sendMethodNotAllowed(http::ResponseWriter& writer, std::string allowed) {
  auto headers = jsonHeaders();
  const std::string message = "Only " + allowed + " is allowed here.";
  headers.emplace_back("allow", std::move(allowed));
  co_await writer.sendResponse(405, std::move(headers),
                               http::openAiErrorBody(message, "invalid_request_error", {}, "method_not_allowed"));
}

}  // namespace pointsman::admin
