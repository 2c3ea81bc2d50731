#include <pointsman/api/request_view.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>

namespace pointsman::api {
namespace {

using nlohmann::json;

const json kChat = json::parse(R"({"model":"fast","messages":[{"role":"user","content":"hi"}]})");
const json kCompletion = json::parse(R"({"model":"fast","prompt":"Say hi"})");
const json kEmbedding = json::parse(R"({"model":"embed","input":"hello"})");

json with(json body, const std::string& key, json value) {
  body[key] = std::move(value);
  return body;
}

json without(json body, const std::string& key) {
  body.erase(key);
  return body;
}

// The error parseRequest returns for the body text, or nothing when it accepts the body.
std::optional<ApiError> validateText(Endpoint endpoint, const std::string& body) {
  auto result = parseRequest(endpoint, body);
  if (auto* error = std::get_if<ApiError>(&result)) return *error;
  return std::nullopt;
}

std::optional<ApiError> validateRequest(Endpoint endpoint, const json& body) {
  return validateText(endpoint, body.dump());
}

TEST(RequestValidation, AcceptsMinimalRequests) {
  EXPECT_FALSE(validateRequest(Endpoint::ChatCompletions, kChat).has_value());
  EXPECT_FALSE(validateRequest(Endpoint::Completions, kCompletion).has_value());
  EXPECT_FALSE(validateRequest(Endpoint::Embeddings, kEmbedding).has_value());
  EXPECT_FALSE(validateRequest(Endpoint::Passthrough, json{{"model", "moderation"}}).has_value());
}

struct RejectCase {
  const char* name;
  Endpoint endpoint;
  json body;
  const char* param;
};

TEST(RequestValidation, RejectedFieldIsNamedInParam) {
  const RejectCase cases[] = {
      {"chat without model", Endpoint::ChatCompletions, without(kChat, "model"), "model"},
      {"chat with empty model", Endpoint::ChatCompletions, with(kChat, "model", ""), "model"},
      {"chat with numeric model", Endpoint::ChatCompletions, with(kChat, "model", 4), "model"},
      {"passthrough without model", Endpoint::Passthrough, json::object(), "model"},
      {"chat without messages", Endpoint::ChatCompletions, without(kChat, "messages"), "messages"},
      {"chat with empty messages", Endpoint::ChatCompletions, with(kChat, "messages", json::array()), "messages"},
      {"chat with string messages", Endpoint::ChatCompletions, with(kChat, "messages", "hi"), "messages"},
      {"message not an object", Endpoint::ChatCompletions, with(kChat, "messages", json::array({"hi"})),
       "messages[0]"},
      {"message without role", Endpoint::ChatCompletions,
       with(kChat, "messages", json::parse(R"([{"role":"user","content":"a"},{"content":"b"}])")), "messages[1].role"},
      {"message with unknown role", Endpoint::ChatCompletions,
       with(kChat, "messages", json::parse(R"([{"role":"robot","content":"a"}])")), "messages[0].role"},
      {"message with numeric content", Endpoint::ChatCompletions,
       with(kChat, "messages", json::parse(R"([{"role":"user","content":5}])")), "messages[0].content"},
      {"completion without prompt", Endpoint::Completions, without(kCompletion, "prompt"), "prompt"},
      {"embedding without input", Endpoint::Embeddings, without(kEmbedding, "input"), "input"},
      {"embedding with empty array input", Endpoint::Embeddings, with(kEmbedding, "input", json::array()), "input"},
      {"embedding with numeric input", Endpoint::Embeddings, with(kEmbedding, "input", 3), "input"},
      {"stream as string", Endpoint::ChatCompletions, with(kChat, "stream", "true"), "stream"},
      {"stream as number", Endpoint::Completions, with(kCompletion, "stream", 1), "stream"},
      {"max_tokens zero", Endpoint::ChatCompletions, with(kChat, "max_tokens", 0), "max_tokens"},
      {"max_tokens negative", Endpoint::ChatCompletions, with(kChat, "max_tokens", -5), "max_tokens"},
      {"max_tokens as string", Endpoint::ChatCompletions, with(kChat, "max_tokens", "10"), "max_tokens"},
      {"max_tokens fractional", Endpoint::Completions, with(kCompletion, "max_tokens", 2.5), "max_tokens"},
      {"max_completion_tokens zero", Endpoint::ChatCompletions, with(kChat, "max_completion_tokens", 0),
       "max_completion_tokens"},
      {"n zero", Endpoint::ChatCompletions, with(kChat, "n", 0), "n"},
  };

  for (const auto& test_case : cases) {
    const auto error = validateRequest(test_case.endpoint, test_case.body);

    ASSERT_TRUE(error.has_value()) << test_case.name;
    EXPECT_EQ(error->status, 400u) << test_case.name;
    EXPECT_EQ(error->type, "invalid_request_error") << test_case.name;
    EXPECT_EQ(error->param, test_case.param) << test_case.name;
    EXPECT_NE(error->message.find(test_case.param), std::string::npos)
        << test_case.name << ": message does not name the field: " << error->message;
  }
}

TEST(RequestValidation, MissingModelMessage) {
  const auto error = validateRequest(Endpoint::ChatCompletions, without(kChat, "model"));

  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->message, "Missing required parameter: 'model'.");
}

TEST(RequestValidation, RejectsNonObjectBodies) {
  for (const json& body : {json::array({kChat}), json("hi"), json(nullptr), json(42)}) {
    const auto error = validateRequest(Endpoint::ChatCompletions, body);

    ASSERT_TRUE(error.has_value()) << body.dump();
    EXPECT_EQ(error->status, 400u) << body.dump();
    EXPECT_EQ(error->type, "invalid_request_error") << body.dump();
    EXPECT_EQ(error->param, "") << body.dump();
  }
}

TEST(RequestValidation, AcceptsOptionalFieldsWhenValid) {
  const json cases[] = {
      with(kChat, "stream", true),
      with(kChat, "stream", false),
      with(kChat, "stream", nullptr),
      with(kChat, "max_tokens", 1),
      with(kChat, "max_tokens", nullptr),
      with(kChat, "max_completion_tokens", 4096),
      with(kChat, "n", 2),
      with(kChat, "messages", json::parse(R"([{"role":"assistant","content":null,"tool_calls":[]}])")),
      with(kChat, "messages", json::parse(R"([{"role":"user","content":[{"type":"text","text":"hi"}]}])")),
      with(kChat, "messages", json::parse(R"([{"role":"developer"},{"role":"tool","content":"42"}])")),
      with(kChat, "messages", json::parse(R"([{"role":"function","name":"f","content":"42"}])")),
  };

  for (const auto& body : cases) {
    EXPECT_FALSE(validateRequest(Endpoint::ChatCompletions, body).has_value()) << body.dump();
  }
}

TEST(RequestValidation, AcceptsEmbeddingInputShapes) {
  for (const json& input : {json("a"), json::array({"a", "b"}), json::array({json::array({1, 2, 3})})}) {
    EXPECT_FALSE(validateRequest(Endpoint::Embeddings, with(kEmbedding, "input", input)).has_value()) << input.dump();
  }
}

TEST(RequestValidation, ViewHasModelAndStream) {
  const auto result = parseRequest(Endpoint::ChatCompletions, with(kChat, "stream", true).dump());

  ASSERT_TRUE(std::holds_alternative<RequestView>(result));
  EXPECT_EQ(std::get<RequestView>(result).model, "fast");
  EXPECT_TRUE(std::get<RequestView>(result).stream);
}

TEST(RequestValidation, StreamDefaultsToFalse) {
  for (const json& body : {kChat, with(kChat, "stream", nullptr), with(kChat, "stream", false)}) {
    const auto result = parseRequest(Endpoint::ChatCompletions, body.dump());

    ASSERT_TRUE(std::holds_alternative<RequestView>(result)) << body.dump();
    EXPECT_FALSE(std::get<RequestView>(result).stream) << body.dump();
  }
}

TEST(RequestValidation, ModelWithEscapesIsUnescaped) {
  const auto result = parseRequest(Endpoint::Passthrough, R"({"model":"a\"b\u00e9"})");

  ASSERT_TRUE(std::holds_alternative<RequestView>(result));
  EXPECT_EQ(std::get<RequestView>(result).model, "a\"b\xC3\xA9");
}

TEST(RequestValidation, RejectsInvalidJson) {
  for (const char* body : {"", "{", R"({"model":"fast",})", R"({"model":"fast"} {})", "model=fast"}) {
    const auto error = validateText(Endpoint::ChatCompletions, body);

    ASSERT_TRUE(error.has_value()) << body;
    EXPECT_EQ(error->status, 400u) << body;
    EXPECT_EQ(error->type, "invalid_request_error") << body;
    EXPECT_EQ(error->param, "") << body;
  }
}

TEST(RequestValidation, AcceptsUnknownFields) {
  json body = kChat;
  body["x_custom"] = {{"nested", true}};
  body["logit_bias"] = {{"50256", -100}};
  body["temperature"] = "not checked";

  EXPECT_FALSE(validateRequest(Endpoint::ChatCompletions, body).has_value());
  EXPECT_FALSE(validateRequest(Endpoint::Passthrough, with(body, "messages", 5)).has_value());
}


// The gateway routes by one `model`, and many upstream parsers keep the last of duplicate keys:
// a second member, also one spelled with escapes, would let the client pick any upstream model.
TEST(RequestValidation, DuplicateModelIsRejected) {
  for (const char* body : {R"({"model":"fast","messages":[{"role":"user","content":"hi"}],"model":"gpt-4-32k"})",
                           R"({"model":"fast","messages":[{"role":"user","content":"hi"}],"mod\u0065l":"gpt-4-32k"})"}) {
    const auto result = parseRequest(Endpoint::ChatCompletions, body);
    const auto* error = std::get_if<ApiError>(&result);
    ASSERT_NE(error, nullptr) << body;
    EXPECT_EQ(error->status, 400u) << body;
    EXPECT_EQ(error->param, "model") << body;
  }
}

// Fields are read in one pass over the body. Of two members with the same name the first one
// counts, as with a lookup by key, and every field is found wherever it is.
TEST(RequestValidation, FirstOfDuplicateMembersCounts) {
  EXPECT_EQ(validateText(Endpoint::ChatCompletions,
                         R"({"stream":"yes","model":"fast","messages":[{"role":"user","content":"hi"}],"stream":true})")
                ->param,
            "stream");
  EXPECT_FALSE(validateText(Endpoint::ChatCompletions,
                            R"({"stream":true,"model":"fast","messages":[{"role":"user","content":"hi"}],"stream":"yes"})"));

  const auto view = parseRequest(
      Endpoint::ChatCompletions,
      R"({"user":"first","max_tokens":7,"stream_options":{"include_usage":true},"max_completion_tokens":9,)"
      R"("messages":[{"role":"user","content":"hi"}],"max_tokens":1,"user":"second","model":"fast","stream":true})");
  const auto* accepted = std::get_if<RequestView>(&view);
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(accepted->model, "fast");
  EXPECT_TRUE(accepted->stream);
  EXPECT_EQ(accepted->max_output_tokens, 9);
  EXPECT_TRUE(accepted->has_stream_options);
  EXPECT_TRUE(accepted->include_usage);
  EXPECT_EQ(accepted->user, "first");
}

// Only the message that fails names itself: the path of a valid message is never built.
TEST(RequestValidation, InvalidMessageIsNamedByIndex) {
  const auto error = validateText(
      Endpoint::ChatCompletions,
      R"({"model":"fast","messages":[{"role":"user","content":"hi"},{"role":"robot","content":"hi"}]})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->param, "messages[1].role");
}

}  // namespace
}  // namespace pointsman::api
