#include "http/header_bytes.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>

#include <gtest/gtest.h>

namespace pointsman::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

/// The header bytes Beast's own serializer produces for `message`.
template <bool isRequest>
std::string beastHeaderBytes(bhttp::message<isRequest, bhttp::string_body>& message) {
  bhttp::serializer<isRequest, bhttp::string_body> serializer{message};
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

TEST(HeaderBytes, RequestMatchesBeastSerializer) {
  bhttp::request<bhttp::string_body> request{bhttp::verb::post, "/v1/chat/completions?x=1", 11};
  request.set(bhttp::field::host, "127.0.0.1:8081");
  request.set(bhttp::field::content_type, "application/json");
  request.set("x-request-id", "abc123");
  request.set("X-Custom-Case", "Mixed Value");
  request.body() = R"({"model":"m"})";
  request.keep_alive(true);
  request.prepare_payload();

  EXPECT_EQ(headerBytes(request.base()), beastHeaderBytes(request));
}

TEST(HeaderBytes, RequestWithUnknownMethodAndHttp10) {
  bhttp::request<bhttp::string_body> request;
  request.method_string("PURGE");
  request.target("/cache");
  request.version(10);

  EXPECT_EQ(headerBytes(request.base()), "PURGE /cache HTTP/1.0\r\n\r\n");
  EXPECT_EQ(headerBytes(request.base()), beastHeaderBytes(request));
}

TEST(HeaderBytes, ResponseMatchesBeastSerializer) {
  bhttp::response<bhttp::string_body> response{bhttp::status::too_many_requests, 11};
  response.set("x-request-id", "abc123");
  response.set(bhttp::field::content_type, "application/json");
  response.set("retry-after", "1");
  response.body() = R"({"error":{}})";
  response.keep_alive(false);
  response.prepare_payload();

  const auto bytes = headerBytes(response.base());
  EXPECT_TRUE(bytes.starts_with("HTTP/1.1 429 Too Many Requests\r\n")) << bytes;
  EXPECT_EQ(bytes, beastHeaderBytes(response));
}

TEST(HeaderBytes, ResponseKeepsCustomReasonAndUnknownStatus) {
  bhttp::response<bhttp::string_body> custom{bhttp::status::ok, 10};
  custom.reason("Fine");
  EXPECT_EQ(headerBytes(custom.base()), "HTTP/1.0 200 Fine\r\n\r\n");
  EXPECT_EQ(headerBytes(custom.base()), beastHeaderBytes(custom));

  bhttp::response<bhttp::string_body> unknown;
  unknown.result(599);
  unknown.version(11);
  EXPECT_EQ(headerBytes(unknown.base()), beastHeaderBytes(unknown));
}

}  // namespace
}  // namespace pointsman::http
