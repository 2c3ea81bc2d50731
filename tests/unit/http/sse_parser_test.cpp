#include "pointsman/http/sse_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace pointsman::http {
namespace {

// (event, data, id), so that gtest prints a mismatch field by field.
using EventFields = std::tuple<std::string, std::string, std::string>;

EventFields fieldsOf(const SseEvent& event) { return {event.event, event.data, event.id}; }

std::vector<EventFields> drain(SseParser& parser) {
  std::vector<EventFields> events;
  while (auto event = parser.next()) events.push_back(fieldsOf(*event));
  return events;
}

std::vector<EventFields> parsePieces(const std::vector<std::string>& pieces,
                                     std::size_t max_event_bytes = std::size_t{8} * 1024 * 1024) {
  SseParser parser(max_event_bytes);
  std::vector<EventFields> events;
  for (const std::string& piece : pieces) {
    parser.feed(piece);
    for (auto& event : drain(parser)) events.push_back(std::move(event));
  }
  EXPECT_FALSE(parser.overflowed());
  return events;
}

std::vector<EventFields> parseWhole(const std::string& stream) { return parsePieces({stream}); }

std::vector<EventFields> parseBytewise(const std::string& stream) {
  std::vector<std::string> pieces;
  for (const char c : stream) pieces.emplace_back(1, c);
  return parsePieces(pieces);
}

// Checks that every split of `stream` into two pieces gives `expected`.
void expectSameAtEverySplit(const std::string& stream, const std::vector<EventFields>& expected) {
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    const auto events = parsePieces({stream.substr(0, split), stream.substr(split)});
    ASSERT_EQ(events, expected) << "split at byte " << split;
  }
}

const std::vector<std::string> kChatChunks = {
    R"({"id":"c1","choices":[{"index":0,"delta":{"role":"assistant"}}]})",
    R"({"id":"c1","choices":[{"index":0,"delta":{"content":"Hel"}}]})",
    R"({"id":"c1","choices":[{"index":0,"delta":{"content":"lo, "}}]})",
    R"({"id":"c1","choices":[{"index":0,"delta":{"content":"world"}}]})",
    R"({"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})",
    R"({"id":"c1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3}})",
    "[DONE]",
};

std::string chatStream(std::string_view line_end) {
  std::string stream;
  for (const std::string& chunk : kChatChunks) {
    stream += "data: " + chunk;
    stream += line_end;
    stream += line_end;
  }
  return stream;
}

std::vector<EventFields> chatEvents() {
  std::vector<EventFields> events;
  events.reserve(kChatChunks.size());
  for (const std::string& chunk : kChatChunks) events.emplace_back("", chunk, "");
  return events;
}

TEST(SseParser, ChatStreamWhole) { EXPECT_EQ(parseWhole(chatStream("\n")), chatEvents()); }

TEST(SseParser, ChatStreamEverySplitPoint) {
  expectSameAtEverySplit(chatStream("\n"), chatEvents());
}

TEST(SseParser, ChatStreamOneByteAtATime) {
  EXPECT_EQ(parseBytewise(chatStream("\n")), chatEvents());
}

TEST(SseParser, CrlfLineEnds) {
  const std::string stream = chatStream("\r\n");
  expectSameAtEverySplit(stream, chatEvents());
  EXPECT_EQ(parseBytewise(stream), chatEvents());
}

TEST(SseParser, BareCrLineEnds) {
  const std::string stream = chatStream("\r");
  expectSameAtEverySplit(stream, chatEvents());
  EXPECT_EQ(parseBytewise(stream), chatEvents());
}

TEST(SseParser, MixedLineEnds) {
  const std::string stream = "data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r";
  const std::vector<EventFields> expected = {{"", "a\nb\nc", ""}, {"", "d", ""}};
  expectSameAtEverySplit(stream, expected);
  EXPECT_EQ(parseBytewise(stream), expected);
}

TEST(SseParser, CrLfSplitAcrossFeeds) {
  // Were the "\n" a second line end, it would be a blank line and dispatch "a" early.
  const auto events = parsePieces({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
  const std::vector<EventFields> expected = {{"", "a\nb", ""}};
  EXPECT_EQ(events, expected);
}

TEST(SseParser, DataWithoutSpace) {
  const std::vector<EventFields> expected = {{"", "x", ""}, {"", " y", ""}, {"", "", ""}};
  EXPECT_EQ(parseWhole("data:x\n\ndata:  y\n\ndata:\n\n"), expected);
}

TEST(SseParser, FieldWithoutColonHasEmptyValue) {
  const std::vector<EventFields> expected = {{"", "\nz", ""}};
  EXPECT_EQ(parseWhole("data\ndata: z\n\n"), expected);
}

TEST(SseParser, CommentsAndKeepAliveSkipped) {
  const std::string stream =
      ": this is a comment\n"
      "data: first\n"
      ": ping\n"
      "data: second\n"
      "\n"
      ": ping\n"
      "\n"
      ":\n"
      "data: third\n"
      "\n";
  const std::vector<EventFields> expected = {{"", "first\nsecond", ""}, {"", "third", ""}};
  expectSameAtEverySplit(stream, expected);
}

TEST(SseParser, EventAndIdFields) {
  const std::string stream =
      "event: message_start\n"
      "id: 42\n"
      "data: {}\n"
      "\n"
      "event: ping\n"
      "data: {}\n"
      "\n";
  const std::vector<EventFields> expected = {{"message_start", "{}", "42"}, {"ping", "{}", ""}};
  expectSameAtEverySplit(stream, expected);
}

TEST(SseParser, IdContainingNulIgnored) {
  using namespace std::string_literals;
  const std::string stream = "id: 7\nid: a\0b\ndata: x\n\n"s;
  const std::vector<EventFields> expected = {{"", "x", "7"}};
  EXPECT_EQ(parseWhole(stream), expected);
}

TEST(SseParser, RetryAndUnknownFieldsIgnored) {
  const std::vector<EventFields> expected = {{"", "x", ""}};
  EXPECT_EQ(parseWhole("retry: 1000\nfoo: bar\nDATA: no\ndata: x\n\n"), expected);
}

TEST(SseParser, MultiLineData) {
  const std::string stream = "data: line one\ndata: line two\ndata:\ndata: line four\n\n";
  const std::vector<EventFields> expected = {{"", "line one\nline two\n\nline four", ""}};
  expectSameAtEverySplit(stream, expected);
}

TEST(SseParser, BlankLineWithoutDataDispatchesNothing) {
  EXPECT_TRUE(parseWhole("\n\n\r\n").empty());
  EXPECT_TRUE(parseWhole("event: lonely\n\n").empty());
  EXPECT_TRUE(parseWhole("id: 3\n\n").empty());
}

TEST(SseParser, EventTypeResetAfterEmptyDispatch) {
  const std::vector<EventFields> expected = {{"", "x", ""}};
  EXPECT_EQ(parseWhole("event: lonely\n\ndata: x\n\n"), expected);
}

TEST(SseParser, IncompleteEventNotDispatched) {
  SseParser parser;
  parser.feed("data: partial\n");
  EXPECT_FALSE(parser.next().has_value());
  parser.feed("\n");
  const auto event = parser.next();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->data, "partial");
}

TEST(SseParser, ByteOrderMarkAtStreamStartSkipped) {
  const std::string stream =
      "\xEF\xBB\xBF"
      "data: x\n\n";
  const std::vector<EventFields> expected = {{"", "x", ""}};
  expectSameAtEverySplit(stream, expected);
  EXPECT_EQ(parseBytewise(stream), expected);
}

TEST(SseParser, LargeSingleDataLine) {
  const std::string payload(std::size_t{64} * 1024, 'q');
  const std::string stream = "data: " + payload + "\n\n";
  const std::vector<EventFields> expected = {{"", payload, ""}};

  EXPECT_EQ(parseWhole(stream), expected);
  for (const std::size_t split : {1u, 6u, 7u, 4096u, 32768u, 65540u, 65542u, 65543u}) {
    EXPECT_EQ(parsePieces({stream.substr(0, split), stream.substr(split)}), expected)
        << "split at byte " << split;
  }

  std::vector<std::string> pieces;
  for (std::size_t offset = 0; offset < stream.size(); offset += 1000) {
    pieces.push_back(stream.substr(offset, 1000));
  }
  EXPECT_EQ(parsePieces(pieces), expected);
}

TEST(SseParser, Utf8SplitInsideCharacters) {
  const std::string text = "你好世界 🌍 café";
  const std::string stream = "data: " + text + "\n\n";
  const std::vector<EventFields> expected = {{"", text, ""}};
  expectSameAtEverySplit(stream, expected);
  EXPECT_EQ(parseBytewise(stream), expected);
}

TEST(SseParser, OverflowOnLargeEvent) {
  SseParser parser(1024);
  parser.feed("data: " + std::string(2048, 'x') + "\n\n");
  EXPECT_FALSE(parser.next().has_value());
  EXPECT_TRUE(parser.overflowed());
  EXPECT_EQ(parser.bufferedBytes(), 0u);

  parser.feed("data: small\n\n");
  EXPECT_FALSE(parser.next().has_value());
  EXPECT_EQ(parser.bufferedBytes(), 0u);
}

TEST(SseParser, OverflowOnUnterminatedLine) {
  SseParser parser(1024);
  for (int i = 0; i < 4 && !parser.overflowed(); ++i) {
    parser.feed(std::string(512, 'x'));
    EXPECT_FALSE(parser.next().has_value());
  }
  EXPECT_TRUE(parser.overflowed());
}

TEST(SseParser, OverflowAcrossManyDataLines) {
  SseParser parser(1024);
  for (int i = 0; i < 40; ++i) parser.feed("data: " + std::string(50, 'y') + "\n");
  EXPECT_FALSE(parser.next().has_value());
  EXPECT_TRUE(parser.overflowed());
}

TEST(SseParser, ManySmallEventsInOneFeedWithinLimit) {
  std::string stream;
  for (int i = 0; i < 100; ++i) stream += "data: " + std::to_string(i) + "\n\n";
  const auto events = parsePieces({stream}, 64);
  ASSERT_EQ(events.size(), 100u);
  EXPECT_EQ(std::get<1>(events.back()), "99");
}

TEST(SseParser, KeepAlivesDoNotCountTowardLimit) {
  std::string stream;
  for (int i = 0; i < 100; ++i) stream += ": ping\n";
  stream += "data: x\n\n";
  const std::vector<EventFields> expected = {{"", "x", ""}};
  EXPECT_EQ(parsePieces({stream}, 64), expected);
}

TEST(SseParser, BufferReleasedAfterDraining) {
  SseParser parser;
  parser.feed(chatStream("\n"));
  EXPECT_EQ(drain(parser).size(), kChatChunks.size());
  EXPECT_EQ(parser.bufferedBytes(), 0u);

  parser.feed("data: half");
  EXPECT_FALSE(parser.next().has_value());
  EXPECT_EQ(parser.bufferedBytes(), 10u);
}

TEST(FormatSseEvent, DataOnly) {
  EXPECT_EQ(formatSseEvent({"", "[DONE]", ""}), "data: [DONE]\n\n");
}

TEST(FormatSseEvent, EventIdAndMultiLineData) {
  EXPECT_EQ(formatSseEvent({"delta", "one\ntwo\n\nfour", "9"}),
            "event: delta\nid: 9\ndata: one\ndata: two\ndata:\ndata: four\n\n");
}

TEST(FormatSseEvent, CarriageReturnsSplitData) {
  EXPECT_EQ(formatSseEvent({"", "a\r\nb\rc", ""}), "data: a\ndata: b\ndata: c\n\n");
}

TEST(FormatSseEvent, LineEndsDroppedFromEventAndId) {
  EXPECT_EQ(formatSseEvent({"a\nb", "x", "1\r2"}), "event: ab\nid: 12\ndata: x\n\n");
}

TEST(FormatSseEvent, RoundTripThroughParser) {
  const std::vector<EventFields> events = {
      {"", "plain", ""}, {"kind", "multi\nline\n", "id-1"}, {"", "", ""}, {"", "你好 🌍", "2"}};
  std::string stream;
  for (const auto& [event, data, id] : events) stream += formatSseEvent({event, data, id});
  EXPECT_EQ(parseWhole(stream), events);
}

}  // namespace
}  // namespace pointsman::http
