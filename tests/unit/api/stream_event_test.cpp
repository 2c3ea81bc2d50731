#include <pointsman/api/stream_event.hpp>

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace pointsman::api {

// Lets gtest print a kind by name when an expectation fails.
void PrintTo(StreamEventKind kind, std::ostream* out) {
  switch (kind) {
    case StreamEventKind::Done: *out << "Done"; return;
    case StreamEventKind::Content: *out << "Content"; return;
    case StreamEventKind::Preamble: *out << "Preamble"; return;
    case StreamEventKind::UsageOnly: *out << "UsageOnly"; return;
    case StreamEventKind::Error: *out << "Error"; return;
    case StreamEventKind::Unknown: *out << "Unknown"; return;
  }
  *out << "StreamEventKind(" << static_cast<int>(kind) << ")";
}

namespace {

struct KindCase {
  const char* name;
  const char* data;
  StreamEventKind expected;
};

const KindCase kKindCases[] = {
    {"done", "[DONE]", StreamEventKind::Done},
    {"role only", R"({"id":"c1","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]})",
     StreamEventKind::Preamble},
    {"role with empty content and null refusal",
     R"({"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]})",
     StreamEventKind::Preamble},
    {"empty content", R"({"choices":[{"index":0,"delta":{"content":""}}]})", StreamEventKind::Preamble},
    {"null content", R"({"choices":[{"index":0,"delta":{"content":null}}]})", StreamEventKind::Preamble},
    {"empty tool_calls", R"({"choices":[{"index":0,"delta":{"tool_calls":[]}}]})", StreamEventKind::Preamble},
    {"empty choices without usage", R"({"choices":[]})", StreamEventKind::Preamble},
    {"content", R"({"choices":[{"index":0,"delta":{"content":"Hel"}}]})", StreamEventKind::Content},
    {"tool_calls",
     R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]})",
     StreamEventKind::Content},
    {"legacy function_call", R"({"choices":[{"index":0,"delta":{"function_call":{"name":"f","arguments":""}}}]})",
     StreamEventKind::Content},
    {"refusal", R"({"choices":[{"index":0,"delta":{"refusal":"I can't"}}]})", StreamEventKind::Content},
    {"finish_reason only", R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})", StreamEventKind::Content},
    {"content in second choice",
     R"({"choices":[{"index":0,"delta":{"role":"assistant"}},{"index":1,"delta":{"content":"x"}}]})",
     StreamEventKind::Content},
    {"legacy completion text", R"({"object":"text_completion","choices":[{"index":0,"text":"Hel","finish_reason":null}]})",
     StreamEventKind::Content},
    {"legacy completion empty text", R"({"choices":[{"index":0,"text":"","finish_reason":null}]})",
     StreamEventKind::Preamble},
    {"usage only", R"({"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3}})", StreamEventKind::UsageOnly},
    {"usage without choices", R"({"usage":{"prompt_tokens":9,"completion_tokens":3}})", StreamEventKind::UsageOnly},
    {"error object", R"({"error":{"message":"x","code":400}})", StreamEventKind::Error},
    {"error string", R"({"error":"overloaded"})", StreamEventKind::Error},
    {"null error with content", R"({"error":null,"choices":[{"index":0,"delta":{"content":"a"}}]})",
     StreamEventKind::Content},
    {"invalid json", R"({"choices":[)", StreamEventKind::Unknown},
    {"plain text", "hello", StreamEventKind::Unknown},
    {"empty data", "", StreamEventKind::Unknown},
    {"array", "[1,2]", StreamEventKind::Unknown},
    {"object of unknown shape", R"({"type":"ping"})", StreamEventKind::Unknown},
    {"done with space", " [DONE]", StreamEventKind::Unknown},
};

TEST(StreamEvent, KindOfEachEventShape) {
  for (const auto& test_case : kKindCases) {
    EXPECT_EQ(inspectStreamEvent(test_case.data).kind, test_case.expected) << test_case.name << ": " << test_case.data;
  }
}

TEST(StreamEvent, UsageOnlyCarriesTheNumbers) {
  const auto info = inspectStreamEvent(
      R"({"id":"c1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,)"
      R"("prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}})");

  ASSERT_EQ(info.kind, StreamEventKind::UsageOnly);
  ASSERT_TRUE(info.usage.has_value());
  EXPECT_EQ(info.usage->prompt_tokens, 9);
  EXPECT_EQ(info.usage->completion_tokens, 3);
  EXPECT_EQ(info.usage->cached_prompt_tokens, 4);
  EXPECT_EQ(info.usage->reasoning_tokens, 2);
}

TEST(StreamEvent, ContentChunkKeepsItsUsage) {
  const auto info = inspectStreamEvent(
      R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1}})");

  EXPECT_EQ(info.kind, StreamEventKind::Content);
  ASSERT_TRUE(info.usage.has_value());
  EXPECT_EQ(info.usage->prompt_tokens, 5);
  EXPECT_EQ(info.usage->completion_tokens, 1);
}

TEST(StreamEvent, ContentChunkHasNoUsage) {
  EXPECT_FALSE(inspectStreamEvent(R"({"choices":[{"index":0,"delta":{"content":"a"}}],"usage":null})").usage.has_value());
}

TEST(StreamEvent, ErrorWithCodeGivesStatusAndMessage) {
  const auto info = inspectStreamEvent(R"({"error":{"message":"x","code":400}})");

  ASSERT_EQ(info.kind, StreamEventKind::Error);
  EXPECT_EQ(info.error_status, 400u);
  EXPECT_EQ(info.error_message, "x");
}

TEST(StreamEvent, ErrorStatusWinsOverCode) {
  const auto info = inspectStreamEvent(R"({"error":{"message":"slow down","code":1234,"status":429}})");

  ASSERT_EQ(info.kind, StreamEventKind::Error);
  EXPECT_EQ(info.error_status, 429u);
  EXPECT_EQ(info.error_message, "slow down");
}

TEST(StreamEvent, ErrorWithTextCodeHasNoStatus) {
  const auto info = inspectStreamEvent(R"({"error":{"message":"busy","type":"server_error","code":"overloaded"}})");

  ASSERT_EQ(info.kind, StreamEventKind::Error);
  EXPECT_EQ(info.error_status, 0u);
  EXPECT_EQ(info.error_message, "busy");
}

TEST(StreamEvent, ErrorStringBecomesMessage) {
  const auto info = inspectStreamEvent(R"({"error":"overloaded"})");

  ASSERT_EQ(info.kind, StreamEventKind::Error);
  EXPECT_EQ(info.error_status, 0u);
  EXPECT_EQ(info.error_message, "overloaded");
}

TEST(StreamEvent, ErrorWinsOverChoices) {
  const auto info = inspectStreamEvent(R"({"choices":[{"index":0,"delta":{"content":"a"}}],"error":{"message":"cut"}})");

  EXPECT_EQ(info.kind, StreamEventKind::Error);
  EXPECT_EQ(info.error_message, "cut");
}

TEST(StreamEvent, CommittedPlainContentIsContent) {
  const auto info = inspectCommittedStreamEvent(R"({"choices":[{"index":0,"delta":{"content":"Hel"}}]})");

  EXPECT_EQ(info.kind, StreamEventKind::Content);
  EXPECT_FALSE(info.usage.has_value());
}

TEST(StreamEvent, CommittedSkipsParseOfOtherEvents) {
  // Not JSON, so only a skipped parse makes it Content rather than Unknown.
  EXPECT_EQ(inspectCommittedStreamEvent(R"({"choices":[)").kind, StreamEventKind::Content);
}

TEST(StreamEvent, CommittedDone) {
  EXPECT_EQ(inspectCommittedStreamEvent("[DONE]").kind, StreamEventKind::Done);
}

TEST(StreamEvent, CommittedFindsUsage) {
  for (const char* data : {R"({"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3}})",
                           R"({"choices":[], "usage": {"prompt_tokens":9, "completion_tokens":3}})"}) {
    const auto info = inspectCommittedStreamEvent(data);

    EXPECT_EQ(info.kind, StreamEventKind::UsageOnly) << data;
    ASSERT_TRUE(info.usage.has_value()) << data;
    EXPECT_EQ(info.usage->prompt_tokens, 9) << data;
    EXPECT_EQ(info.usage->completion_tokens, 3) << data;
  }
}

TEST(StreamEvent, CommittedFindsUsageNextToContent) {
  const auto info = inspectCommittedStreamEvent(
      R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1}})");

  EXPECT_EQ(info.kind, StreamEventKind::Content);
  ASSERT_TRUE(info.usage.has_value());
  EXPECT_EQ(info.usage->prompt_tokens, 5);
}

TEST(StreamEvent, CommittedFindsError) {
  const auto info = inspectCommittedStreamEvent(R"({"error":{"message":"x","code":500}})");

  EXPECT_EQ(info.kind, StreamEventKind::Error);
  EXPECT_EQ(info.error_status, 500u);
  EXPECT_EQ(info.error_message, "x");
}

TEST(StreamEvent, CommittedIgnoresQuotedErrorInContent) {
  const auto info = inspectCommittedStreamEvent(R"({"choices":[{"index":0,"delta":{"content":"the \"error\" key"}}]})");

  EXPECT_EQ(info.kind, StreamEventKind::Content);
}

TEST(StreamEvent, CommittedContentSpelledErrorIsContent) {
  const auto info = inspectCommittedStreamEvent(R"({"choices":[{"index":0,"delta":{"content":"error"}}]})");

  EXPECT_EQ(info.kind, StreamEventKind::Content);
  EXPECT_TRUE(info.error_message.empty());
}

}  // namespace
}  // namespace pointsman::api
