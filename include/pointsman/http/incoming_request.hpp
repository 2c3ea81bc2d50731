#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <string>

namespace pointsman::http {

using RequestMessage = boost::beast::http::request<boost::beast::http::string_body>;

/// A request read completely from a client connection.
struct IncomingRequest {
  RequestMessage message;
  /// Set when the whole request had been read; the gateway's own time starts here.
  std::chrono::steady_clock::time_point received_at;
  std::string remote_address;
  bool tls = false;
};

}  // namespace pointsman::http
