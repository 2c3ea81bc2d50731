#include <pointsman/analyze/chat_request.hpp>
#include <pointsman/analyze/token_estimator.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pointsman::analyze {
namespace {

TEST(ChatRequest, ReadsMessagesAndOptions) {
  const auto request = extractChatRequest(R"({
    "model": "auto",
    "messages": [
      {"role": "system", "content": "You are terse."},
      {"role": "user", "content": "Hi"},
      {"role": "assistant", "content": null,
       "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":1}"}}]},
      {"role": "tool", "tool_call_id": "c1", "content": "42"}
    ],
    "max_tokens": 50, "max_completion_tokens": 80, "n": 3, "stream": true,
    "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}},
    "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
  })");
  ASSERT_TRUE(request);
  ASSERT_EQ(request->messages.size(), 4u);
  EXPECT_EQ(request->messages[0].role, MessageRole::System);
  EXPECT_EQ(request->messages[0].text, "You are terse.");
  EXPECT_EQ(request->messages[2].role, MessageRole::Assistant);
  EXPECT_EQ(request->messages[2].text, "lookup {\"q\":1}");
  EXPECT_EQ(request->messages[3].role, MessageRole::Tool);
  EXPECT_EQ(request->max_tokens, 80);
  EXPECT_EQ(request->choices, 3);
  EXPECT_TRUE(request->stream);
  EXPECT_TRUE(request->json_mode);
  EXPECT_TRUE(request->has_tools);
  EXPECT_NE(request->tool_definitions.find("\"name\":\"lookup\""), std::string::npos);
  EXPECT_FALSE(request->has_images);
}

TEST(ChatRequest, DefaultsWhenOptionsAreAbsent) {
  const auto request = extractChatRequest(R"({"model":"m","messages":[{"role":"user","content":"Hi"}],"max_tokens":7})");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->max_tokens, 7);
  EXPECT_EQ(request->choices, 1);
  EXPECT_FALSE(request->stream);
  EXPECT_FALSE(request->json_mode);
  EXPECT_FALSE(request->has_tools);

  const auto text_format = extractChatRequest(R"({"messages":[],"response_format":{"type":"text"}})");
  ASSERT_TRUE(text_format);
  EXPECT_FALSE(text_format->json_mode);
  EXPECT_FALSE(text_format->max_tokens);
}

TEST(ChatRequest, ReadsContentPartsAndImages) {
  const auto request = extractChatRequest(R"({"messages":[{"role":"user","content":[
    {"type":"text","text":"What is in "},
    {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
    {"type":"text","text":"this picture?"}]}]})");
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->has_images);
  ASSERT_EQ(request->messages.size(), 1u);
  EXPECT_EQ(request->messages[0].text, "What is in this picture?");
}

TEST(ChatRequest, SkipsFieldsOfUnexpectedTypes) {
  const auto request = extractChatRequest(
      R"({"messages":[{"role":"user","content":5}, "text", {"role":7,"content":"x"}],"n":"two","stream":"yes","tools":{}})");
  ASSERT_TRUE(request);
  ASSERT_EQ(request->messages.size(), 2u);
  EXPECT_EQ(request->messages[0].text, "");
  EXPECT_EQ(request->messages[1].role, MessageRole::Other);
  EXPECT_EQ(request->choices, 1);
  EXPECT_FALSE(request->stream);
  EXPECT_FALSE(request->has_tools);
}

TEST(ChatRequest, RejectsBodiesThatAreNotObjects) {
  EXPECT_FALSE(extractChatRequest("not json"));
  EXPECT_FALSE(extractChatRequest("[1,2]"));
  EXPECT_FALSE(extractChatRequest(""));
}

// A client may split one text into parts anywhere, even inside a UTF-8 character; the joined
// text, and so every estimate, must not depend on where.
TEST(ChatRequest, TextSplitIntoPartsAtEveryByteReadsTheSame) {
  const std::string text = "Card 4111 1111 1111 1111, Grüße an María: ünïcödé.";
  const auto whole = extractChatRequest(
      nlohmann::json{{"messages", {{{"role", "user"}, {"content", text}}}}}.dump(-1, ' ', false,
                                                                                nlohmann::json::error_handler_t::replace));
  ASSERT_TRUE(whole);
  for (std::size_t split = 1; split < text.size(); ++split) {
    // Raw bytes go straight into the JSON text so that a split inside a character stays split.
    const std::string body = R"({"messages":[{"role":"user","content":[{"type":"text","text":")" +
                             text.substr(0, split) + R"("},{"type":"text","text":")" + text.substr(split) + R"("}]}]})";
    const auto parts = extractChatRequest(body);
    const bool inside_character = (static_cast<unsigned char>(text[split]) & 0xC0) == 0x80;
    if (inside_character) {
      // simdjson rejects a JSON string that ends inside a UTF-8 character, as the JSON grammar
      // requires; there is nothing to analyze then.
      EXPECT_FALSE(parts) << "split at " << split;
      continue;
    }
    ASSERT_TRUE(parts) << "split at " << split;
    ASSERT_EQ(parts->messages.size(), 1u) << "split at " << split;
    EXPECT_EQ(parts->messages[0].text, text) << "split at " << split;
    EXPECT_EQ(estimatePromptTokens(*parts), estimatePromptTokens(*whole)) << "split at " << split;
  }
}

}  // namespace
}  // namespace pointsman::analyze
