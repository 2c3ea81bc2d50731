#pragma once

// The head bytes Beast's own serializer writes, which the tests hold the gateway's writers to.

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>

#include <gtest/gtest.h>

#include <string>

namespace pointsman::http {

template <bool isRequest>
std::string beastHeadBytes(boost::beast::http::message<isRequest, boost::beast::http::string_body>& message) {
  namespace beast = boost::beast;
  beast::http::serializer<isRequest, beast::http::string_body> serializer{message};
  serializer.split(true);
  std::string out;
  beast::error_code error;
  while (!serializer.is_header_done()) {
    serializer.next(error, [&](beast::error_code&, const auto& buffers) {
      out += beast::buffers_to_string(buffers);
      serializer.consume(beast::buffer_bytes(buffers));
    });
    if (error) break;
  }
  EXPECT_FALSE(error) << error.message();
  return out;
}

}  // namespace pointsman::http
