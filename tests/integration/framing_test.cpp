// SSE framing across upstream reads: events split mid-JSON, byte by byte, with "\r\n" line
// endings, with "data:" and no space, a 64 KB event, and UTF-8 characters split between reads.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// Pause between the writes that must reach the gateway as separate reads.
constexpr milliseconds kWriteGap{20};

struct FramingVariant {
  const char* name;
  const char* lineEnd;
  const char* fieldPrefix;

  // Shows the variant's name instead of its bytes in GoogleTest output.
  friend void PrintTo(const FramingVariant& variant, std::ostream* out) { *out << variant.name; }
};

std::string formatEvent(const std::string& data, const FramingVariant& variant) {
  return std::string(variant.fieldPrefix) + data + variant.lineEnd + variant.lineEnd;
}

class Framing : public GatewayTest, public ::testing::WithParamInterface<FramingVariant> {};

// Seven events (role, three contents, finish, usage, [DONE]) written with boundaries that break
// naive framing:
// 1. the first write ends inside the JSON of the second event;
// 2. the next completes it and carries the third event up to the last byte of its blank line;
// 3. the fourth event goes out one byte per write;
// 4. the last three events go out in one write.
TEST_P(Framing, SplitEventsArriveWhole) {
  const FramingVariant& variant = GetParam();
  const std::vector<std::string> payloads{roleChunkJson(),
                                          contentChunkJson("Hel"),
                                          contentChunkJson("lo wor"),
                                          contentChunkJson("ld"),
                                          finishChunkJson("stop"),
                                          usageChunkJson(9, 4),
                                          "[DONE]"};
  std::vector<std::string> events;
  for (const auto& payload : payloads) events.push_back(formatEvent(payload, variant));

  const std::string secondEvent = events[1];
  std::size_t cut = secondEvent.find(R"("content":"He)") + std::string(R"("content":"He)").size();
  Script script;
  script.streamHeaders()
      .chunk(events[0] + secondEvent.substr(0, cut))
      .delay(kWriteGap)
      .chunk(secondEvent.substr(cut) + events[2].substr(0, events[2].size() - 1))
      .delay(kWriteGap)
      .chunk(events[2].substr(events[2].size() - 1))
      .delay(kWriteGap);
  for (char byte : events[3]) script.chunk(std::string(1, byte)).delay(milliseconds(1));
  script.delay(kWriteGap).chunk(events[4] + events[5] + events[6]).endChunked();
  primary_.enqueue(script);
  startGateway();

  auto stream =
      openStream(R"({"model":"mini","stream":true,"stream_options":{"include_usage":true},)"
                 R"("messages":[{"role":"user","content":"hi"}]})");
  std::vector<ReceivedEvent> received = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200) << stream->rawBody();
  EXPECT_TRUE(stream->ended());
  ASSERT_EQ(received.size(), payloads.size()) << stream->rawBody();
  for (std::size_t i = 0; i + 1 < payloads.size(); ++i) {
    json parsed = json::parse(received[i].data, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << "event " << i << ": " << received[i].data;
    EXPECT_EQ(parsed, json::parse(payloads[i])) << "event " << i;
  }
  EXPECT_EQ(received.back().data, "[DONE]");
  EXPECT_EQ(assembleContent(received), "Hello world");
  // TODO: also check that metrics and the request log carry 9 prompt and 4 completion tokens
  // once the names of the token metrics are settled.
}

INSTANTIATE_TEST_SUITE_P(
    LineEndings, Framing,
    ::testing::Values(FramingVariant{"LineFeed", "\n", "data: "},
                      FramingVariant{"CarriageReturnLineFeed", "\r\n", "data: "},
                      FramingVariant{"NoSpaceAfterColon", "\n", "data:"},
                      FramingVariant{"CarriageReturnLineFeedNoSpace", "\r\n", "data:"}),
    [](const ::testing::TestParamInfo<FramingVariant>& info) { return info.param.name; });

class LargeEvent : public GatewayTest {};

TEST_F(LargeEvent, SixtyFourKilobyteEventArrivesWhole) {
  // A long tool-call argument, as one event of about 64 KB sent in 8 KB writes.
  std::string argument(64 * 1024, 'x');
  for (std::size_t i = 0; i < argument.size(); i += 97) argument[i] = 'a' + (i % 26);
  json toolChunk = json::parse(roleChunkJson());
  toolChunk["choices"][0]["delta"] = {
      {"tool_calls", json::array({{{"index", 0},
                                   {"id", "call_1"},
                                   {"type", "function"},
                                   {"function", {{"name", "store"}, {"arguments", argument}}}}})}};
  const std::string bigEvent = sseData(toolChunk.dump());
  Script script;
  script.streamHeaders().chunk(roleEvent()).chunk(contentEvent("start"));
  for (std::size_t offset = 0; offset < bigEvent.size(); offset += 8192) {
    script.chunk(bigEvent.substr(offset, 8192)).delay(milliseconds(2));
  }
  script.chunk(finishEvent("tool_calls")).chunk(doneEvent()).endChunked();
  primary_.enqueue(script);
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  std::vector<ReceivedEvent> received = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  bool found = false;
  for (const auto& event : received) {
    json parsed = json::parse(event.data, nullptr, false);
    if (parsed.is_object() && parsed == toolChunk) found = true;
  }
  EXPECT_TRUE(found) << "the 64 KB tool-call event did not arrive whole";
  ASSERT_FALSE(received.empty());
  EXPECT_EQ(received.back().data, "[DONE]");
}

class Utf8Split : public GatewayTest {};

// Multi-byte characters split between reads must come out intact, and the pass-through path
// must forward the event bytes unchanged, escaped surrogate pairs included.
TEST_F(Utf8Split, SplitCharactersArriveIntact) {
  const std::string text = "你好世界 🌍 café";
  const std::string textEvent = contentEvent(text);
  // "好" is E5 A5 BD: split after its first byte. "🌍" is F0 9F 8C 8D: split after two bytes.
  std::size_t cjkCut = textEvent.find("好") + 1;
  std::size_t emojiCut = textEvent.find("🌍") + 2;
  ASSERT_LT(cjkCut, emojiCut);
  const std::string escapedJson =
      R"({"id":"chatcmpl-mock","object":"chat.completion.chunk","created":1700000000,)"
      R"("model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"\ud83c\udf0d"},)"
      R"("finish_reason":null}]})";
  primary_.enqueue(Script()
                       .streamHeaders()
                       .chunk(roleEvent())
                       .chunk(textEvent.substr(0, cjkCut))
                       .delay(kWriteGap)
                       .chunk(textEvent.substr(cjkCut, emojiCut - cjkCut))
                       .delay(kWriteGap)
                       .chunk(textEvent.substr(emojiCut))
                       .delay(kWriteGap)
                       .chunk(sseData(escapedJson))
                       .chunk(finishEvent())
                       .chunk(doneEvent())
                       .endChunked());
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  std::vector<ReceivedEvent> received = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->rawBody().find("\xEF\xBF\xBD"), std::string::npos) << "U+FFFD in the stream";
  EXPECT_EQ(assembleContent(received), text + "🌍");
  bool textBytesEqual = false;
  bool escapedBytesEqual = false;
  for (const auto& event : received) {
    if (event.data == contentChunkJson(text)) textBytesEqual = true;
    if (event.data == escapedJson) escapedBytesEqual = true;
  }
  EXPECT_TRUE(textBytesEqual) << "the split text event was not forwarded byte for byte";
  EXPECT_TRUE(escapedBytesEqual) << "the escaped surrogate pair event was re-encoded";
}

}  // namespace
}  // namespace pointsman::test
