#include <pointsman/http/upstream_response_parser.hpp>

#include <boost/asio/buffer.hpp>

#include <gtest/gtest.h>

#include <string>

namespace pointsman::http {
namespace {

/// Feeds `wire` in pieces of `piece` bytes, as reads may split it, and returns the parse error.
boost::beast::error_code feed(UpstreamResponseParser& parser, const std::string& wire, std::size_t piece) {
  std::string pending;
  boost::beast::error_code error;
  for (std::size_t at = 0; at < wire.size(); at += piece) {
    pending += wire.substr(at, piece);
    // The parser stops after the header, so it is fed again while it makes progress.
    while (!pending.empty() && !parser.is_done()) {
      const auto used = parser.put(boost::asio::buffer(pending), error);
      pending.erase(0, used);
      if (error == boost::beast::http::error::need_more) {
        error = {};
        break;
      }
      if (error) return error;
      if (used == 0) break;
    }
  }
  // A body that runs to the end of the connection ends with the close.
  if (!parser.is_done()) parser.put_eof(error);
  return error;
}

TEST(UpstreamResponseParser, ReadsStatusFieldsAndBody) {
  const std::string wire =
      "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 3\r\n"
      "X-Request-Id: up-1\r\nContent-Length: 11\r\n\r\n{\"error\":1}";

  for (const std::size_t piece : {wire.size(), std::size_t{1}, std::size_t{7}}) {
    UpstreamResponseParser parser;
    std::string body;
    parser.setBodySink(&body);

    EXPECT_FALSE(feed(parser, wire, piece)) << "piece " << piece;

    EXPECT_TRUE(parser.is_done());
    EXPECT_EQ(parser.status(), 429U);
    EXPECT_EQ(parser.field("retry-after"), "3");
    EXPECT_EQ(parser.field("x-request-id"), "up-1");
    EXPECT_EQ(parser.field("CONTENT-TYPE"), "application/json");
    EXPECT_FALSE(parser.field("content-encoding"));
    EXPECT_EQ(body, "{\"error\":1}");
  }
}

TEST(UpstreamResponseParser, JoinsChunkedBody) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "6\r\ndata: \r\n4\r\nabc\n\r\n0\r\n\r\n";
  UpstreamResponseParser parser;
  std::string body;
  parser.setBodySink(&body);

  EXPECT_FALSE(feed(parser, wire, 5));

  EXPECT_TRUE(parser.is_done());
  EXPECT_TRUE(parser.keep_alive());
  EXPECT_EQ(body, "data: abc\n");
}

TEST(UpstreamResponseParser, BodyUntilCloseEndsAtEof) {
  const std::string wire = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nplain text";
  UpstreamResponseParser parser;
  std::string body;
  parser.setBodySink(&body);

  EXPECT_FALSE(feed(parser, wire, 4));

  EXPECT_TRUE(parser.is_done());
  EXPECT_FALSE(parser.keep_alive());
  EXPECT_EQ(body, "plain text");
}

TEST(UpstreamResponseParser, FirstOfRepeatedFieldWins) {
  const std::string wire = "HTTP/1.1 204 No Content\r\nVia: a\r\nvia: b\r\n\r\n";
  UpstreamResponseParser parser;

  EXPECT_FALSE(feed(parser, wire, wire.size()));

  EXPECT_EQ(parser.status(), 204U);
  EXPECT_EQ(parser.field("Via"), "a");
}

}  // namespace
}  // namespace pointsman::http
