#include "http/header_bytes.hpp"
#include "unit/http/beast_head_bytes.hpp"

#include <boost/beast/http/string_body.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pointsman::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

/// What the server wrote before responseHead: Beast fields `set` one by one, keep_alive(), then
/// the body's framing, serialized by Beast.
std::string beastResponseHead(unsigned status, unsigned version, const HeaderList& headers,
                              const ResponseFraming& framing) {
  bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(status), version};
  for (const auto& [name, value] : headers) response.set(name, value);
  response.keep_alive(framing.keep_alive);
  if (framing.content_length) {
    response.body() = std::string(*framing.content_length, 'x');
    response.prepare_payload();
  } else {
    response.chunked(true);
  }
  return beastHeadBytes(response);
}

HeaderList typicalHeaders() {
  return {{"x-request-id", "req-1"},
          {"content-type", "application/json"},
          {"x-pointsman-route", "fast"},
          {"x-pointsman-decision", "rule=1 use=mini"}};
}

TEST(ResponseHead, MatchesBeastForEveryFraming) {
  for (const unsigned version : {10U, 11U}) {
    for (const bool keep_alive : {true, false}) {
      for (const std::optional<std::size_t> length : {std::optional<std::size_t>(17), std::optional<std::size_t>()}) {
        const ResponseFraming framing{keep_alive, length};
        EXPECT_EQ(responseHead(200, version, typicalHeaders(), framing),
                  beastResponseHead(200, version, typicalHeaders(), framing))
            << "version " << version << " keep_alive " << keep_alive << " chunked " << !length;
      }
    }
  }
}

TEST(ResponseHead, HeadLongerThanItsStackBufferMatchesBeast) {
  // The head is built in a 2 KB buffer and goes on in a string beyond it. A field that starts
  // inside the buffer and ends past it must come out whole.
  for (const std::size_t value_size : {1000U, 1990U, 2040U, 5000U}) {
    HeaderList headers = typicalHeaders();
    headers.emplace_back("x-pointsman-trace", std::string(value_size, 't'));
    headers.emplace_back("x-after", "1");
    const ResponseFraming framing{true, 1234567};

    EXPECT_EQ(responseHead(200, 11, headers, framing), beastResponseHead(200, 11, headers, framing))
        << "value of " << value_size << " bytes";
  }
}

TEST(ResponseHead, LaterHeaderReplacesEarlierOfAnyCase) {
  HeaderList headers = typicalHeaders();
  headers.emplace_back("Content-Type", "text/event-stream");
  headers.emplace_back("x-extra", "1");
  headers.emplace_back("X-Request-Id", "req-2");
  const ResponseFraming framing{true, 5};

  const auto head = responseHead(503, 11, headers, framing);

  EXPECT_EQ(head, beastResponseHead(503, 11, headers, framing));
  EXPECT_EQ(head.find("req-1"), std::string::npos) << head;
  EXPECT_EQ(head.find("application/json"), std::string::npos) << head;
}

TEST(ResponseHead, FramingFieldsInTheListAreIgnored) {
  HeaderList headers = typicalHeaders();
  headers.emplace_back("content-length", "999");
  headers.emplace_back("Transfer-Encoding", "gzip");
  headers.emplace_back("connection", "close");

  const auto head = responseHead(413, 11, headers, ResponseFraming{false, 12});

  EXPECT_TRUE(head.starts_with("HTTP/1.1 413 Payload Too Large\r\n")) << head;
  EXPECT_TRUE(head.ends_with("Connection: close\r\nContent-Length: 12\r\n\r\n")) << head;
  EXPECT_EQ(head.find("999"), std::string::npos) << head;
  EXPECT_EQ(head.find("gzip"), std::string::npos) << head;
}

TEST(ResponseHead, NoContentLengthWhereNoBodyIsAllowed) {
  const auto head = responseHead(204, 11, HeaderList{}, ResponseFraming{true, 0});

  EXPECT_EQ(head, "HTTP/1.1 204 No Content\r\n\r\n");
}

// The relay's success path passes views of its headers. The head must be the one the list gives,
// with later duplicates and framing fields handled alike.
TEST(ResponseHead, ViewsGiveTheHeadOfTheList) {
  HeaderList headers = typicalHeaders();
  headers.emplace_back("Content-Type", "text/event-stream");
  headers.emplace_back("content-length", "999");
  headers.emplace_back("x-pointsman-trace", std::string(2100, 't'));
  std::vector<HeaderView> views;
  for (const auto& [name, value] : headers) views.emplace_back(name, value);

  for (const bool keep_alive : {true, false}) {
    for (const std::optional<std::size_t> length : {std::optional<std::size_t>(17), std::optional<std::size_t>()}) {
      const ResponseFraming framing{keep_alive, length};
      EXPECT_EQ(responseHead(200, 11, std::span<const HeaderView>(views), framing),
                responseHead(200, 11, headers, framing))
          << "keep_alive " << keep_alive << " chunked " << !length;
    }
  }
}

}  // namespace
}  // namespace pointsman::http
