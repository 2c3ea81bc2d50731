#include <pointsman/http/outgoing_request.hpp>

#include "unit/http/beast_head_bytes.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace pointsman::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

/// Reads the wire bytes back with Beast's parser, as an upstream would.
bhttp::request<bhttp::string_body> parseWire(const OutgoingRequest& request) {
  const std::string wire = request.head() + request.body();
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  beast::error_code error;
  const auto used = parser.put(boost::asio::buffer(wire), error);
  EXPECT_FALSE(error) << error.message();
  EXPECT_TRUE(parser.is_done());
  EXPECT_EQ(used, wire.size());
  return parser.release();
}

OutgoingRequest typicalRequest() {
  OutgoingRequest request{"POST", "/v1/chat/completions?x=1"};
  request.add("Host", "127.0.0.1:8081");
  request.add("Content-Type", "application/json");
  request.add("x-request-id", "abc123");
  request.body() = R"({"model":"m"})";
  return request;
}

TEST(OutgoingRequest, HeadEqualsBeastsForTheSameFields) {
  const auto request = typicalRequest();

  bhttp::request<bhttp::string_body> beast_request{bhttp::verb::post, "/v1/chat/completions?x=1", 11};
  beast_request.insert(bhttp::field::host, "127.0.0.1:8081");
  beast_request.insert(bhttp::field::content_type, "application/json");
  beast_request.insert("x-request-id", "abc123");
  beast_request.body() = R"({"model":"m"})";
  beast_request.keep_alive(true);
  beast_request.prepare_payload();

  EXPECT_EQ(request.head(), beastHeadBytes(beast_request));
}

TEST(OutgoingRequest, WireParsesBackToTheSameRequest) {
  const auto parsed = parseWire(typicalRequest());

  EXPECT_EQ(parsed.method(), bhttp::verb::post);
  EXPECT_EQ(parsed.target(), "/v1/chat/completions?x=1");
  EXPECT_EQ(parsed.version(), 11U);
  EXPECT_TRUE(parsed.keep_alive());
  EXPECT_EQ(parsed["x-request-id"], "abc123");
  EXPECT_EQ(parsed[bhttp::field::content_length], "13");
  EXPECT_EQ(parsed.body(), R"({"model":"m"})");
}

TEST(OutgoingRequest, SetReplacesTheFirstFieldOfAnyCaseAndDropsLaterOnes) {
  auto request = typicalRequest();
  request.add("X-Extra", "1");
  request.add("X-REQUEST-ID", "duplicate");

  request.set("X-Request-Id", "replaced");

  EXPECT_EQ(request.field("x-request-id"), "replaced");
  EXPECT_EQ(request.field("x-extra"), "1");
  const auto head = request.head();
  EXPECT_EQ(head.find("abc123"), std::string::npos) << head;
  EXPECT_EQ(head.find("duplicate"), std::string::npos) << head;
  // The replaced field keeps its place; only the duplicate's line is gone.
  EXPECT_LT(head.find("x-request-id: replaced"), head.find("X-Extra: 1")) << head;
  EXPECT_EQ(parseWire(request).body(), R"({"model":"m"})");
}

TEST(OutgoingRequest, SetAppendsANewFieldAndTakesLongerOrShorterValues) {
  auto request = typicalRequest();

  request.set("Authorization", "Bearer a-key-longer-than-the-others");
  request.set("Host", "h");

  EXPECT_EQ(request.field("authorization"), "Bearer a-key-longer-than-the-others");
  EXPECT_EQ(request.field("HOST"), "h");
  EXPECT_EQ(request.field("content-type"), "application/json");
  EXPECT_EQ(parseWire(request)[bhttp::field::host], "h");
}

TEST(OutgoingRequest, FramingFieldsFromOutsideAreIgnored) {
  auto request = typicalRequest();

  request.add("content-length", "999");
  request.set("Transfer-Encoding", "chunked");

  EXPECT_FALSE(request.field("content-length"));
  EXPECT_FALSE(request.field("transfer-encoding"));
  const auto parsed = parseWire(request);
  EXPECT_EQ(parsed[bhttp::field::content_length], "13");
  EXPECT_FALSE(parsed.chunked());
}

TEST(OutgoingRequest, EmptyBodyLengthFollowsTheMethod) {
  OutgoingRequest get{"GET", "/health"};
  get.add("Host", "example.test");
  EXPECT_EQ(get.head(), "GET /health HTTP/1.1\r\nHost: example.test\r\n\r\n");

  OutgoingRequest post{"POST", "/v1/check"};
  EXPECT_EQ(post.head(), "POST /v1/check HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
}

TEST(OutgoingRequest, FieldLookupMissesNamesThatOnlyShareAPrefix) {
  auto request = typicalRequest();
  request.add("x-request-id-extra", "other");

  EXPECT_EQ(request.field("x-request-id"), "abc123");
  EXPECT_FALSE(request.field("x-request"));
  EXPECT_EQ(request.field("X-Request-Id-Extra"), "other");
}

// A borrowed body goes out as it is. Writing to it gives the request its own copy, so the
// borrowed bytes stay as they were.
TEST(OutgoingRequest, BorrowedBodyIsCopiedBeforeAChange) {
  const std::string client_body = R"({"model":"m"})";
  OutgoingRequest request{"POST", "/v1/chat/completions"};
  request.borrowBody(client_body);

  EXPECT_EQ(std::as_const(request).body().data(), client_body.data());
  EXPECT_EQ(parseWire(request).body(), client_body);

  request.body() += " ";
  EXPECT_EQ(std::as_const(request).body(), client_body + " ");
  EXPECT_EQ(client_body, R"({"model":"m"})");
}

}  // namespace
}  // namespace pointsman::http
