#include <pointsman/api/api_error.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pointsman::api {
namespace {

using nlohmann::json;

TEST(ApiError, BodyHasOpenAiShape) {
  const ApiError error{400, "bad", "invalid_request_error", "messages", "invalid_value", {}};

  EXPECT_EQ(error.body(),
            R"({"error":{"message":"bad","type":"invalid_request_error","param":"messages","code":"invalid_value"}})");
}

TEST(ApiError, EmptyParamAndCodeAreNull) {
  const ApiError error{500, "boom", "server_error", {}, {}, {}};

  const auto body = json::parse(error.body());

  ASSERT_TRUE(body.contains("error"));
  const auto& fields = body.at("error");
  EXPECT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields.at("message"), "boom");
  EXPECT_EQ(fields.at("type"), "server_error");
  ASSERT_TRUE(fields.contains("param"));
  EXPECT_TRUE(fields.at("param").is_null());
  ASSERT_TRUE(fields.contains("code"));
  EXPECT_TRUE(fields.at("code").is_null());
}

TEST(ApiError, BodyEscapesMessage) {
  const ApiError error{400, "bad \"model\"\nvalue\\", "invalid_request_error", {}, {}, {}};

  EXPECT_EQ(json::parse(error.body()).at("error").at("message"), "bad \"model\"\nvalue\\");
}

TEST(ApiError, BodyKeepsInvalidUtf8Parseable) {
  const ApiError error{400, "model `\xff\xfe` is unknown", "invalid_request_error", {}, {}, {}};

  const auto body = json::parse(error.body(), nullptr, /*allow_exceptions=*/false);

  EXPECT_FALSE(body.is_discarded()) << error.body();
}

TEST(ApiError, ModelNotFound) {
  const auto error = ApiError::modelNotFound("gpt-5-turbo");

  EXPECT_EQ(error.status, 404u);
  EXPECT_EQ(error.type, "invalid_request_error");
  EXPECT_EQ(error.param, "model");
  EXPECT_EQ(error.code, "model_not_found");
  EXPECT_NE(error.message.find("gpt-5-turbo"), std::string::npos) << error.message;
  EXPECT_TRUE(error.retry_after.empty());
}

TEST(ApiError, ModelNotFoundBody) {
  const auto fields = json::parse(ApiError::modelNotFound("x").body()).at("error");

  EXPECT_EQ(fields.at("param"), "model");
  EXPECT_EQ(fields.at("code"), "model_not_found");
}

TEST(ApiError, InvalidRequestIs400) {
  const auto error = ApiError::invalidRequest("'stream' must be a boolean.", "stream");

  EXPECT_EQ(error.status, 400u);
  EXPECT_EQ(error.type, "invalid_request_error");
  EXPECT_EQ(error.param, "stream");
  EXPECT_EQ(error.code, "");
}

TEST(ApiError, OtherFactoriesStatusAndCode) {
  const struct {
    const char* name;
    ApiError error;
    unsigned status;
    const char* code;
  } cases[] = {
      {"not found", ApiError::notFound("/v1/nope"), 404, "unknown_url"},
      {"method not allowed", ApiError::methodNotAllowed("GET", "/v1/chat/completions", "POST"), 405, "method_not_allowed"},
      {"unsupported media type", ApiError::unsupportedMediaType("Send JSON."), 415, "unsupported_media_type"},
  };

  for (const auto& test_case : cases) {
    EXPECT_EQ(test_case.error.status, test_case.status) << test_case.name;
    EXPECT_EQ(test_case.error.code, test_case.code) << test_case.name;
    EXPECT_EQ(test_case.error.type, "invalid_request_error") << test_case.name;
  }
}

TEST(ApiError, MethodNotAllowedNamesAllowedMethod) {
  const auto error = ApiError::methodNotAllowed("GET", "/v1/chat/completions", "POST");

  EXPECT_EQ(error.allow, "POST");
  EXPECT_NE(error.message.find("use POST"), std::string::npos) << error.message;
}

}  // namespace
}  // namespace pointsman::api
