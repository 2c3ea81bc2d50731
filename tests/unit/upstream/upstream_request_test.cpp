#include <gtest/gtest.h>

#include <pointsman/config/config.hpp>
#include <pointsman/http/url.hpp>
#include <string>

#include "upstream/attempt.hpp"

namespace pointsman::upstream {
namespace {

struct BuiltBody {
  std::string body;
  std::string target;
  /// The body the request sends points at the client's bytes, which it borrows.
  bool borrowed = false;
};

/// Builds the upstream request of an OpenAI-compatible deployment whose upstream id is
/// `upstream_model`, for a client body that parseRequest() read as naming `body_model`.
BuiltBody build(const std::string& client_body, std::string_view body_model,
                const std::string& upstream_model) {
  config::ProviderConfig provider;
  provider.type = config::ProviderType::OpenAi;
  config::DeploymentConfig deployment;
  deployment.name = "deployment";
  deployment.model = upstream_model;
  const route::Candidate candidate{&deployment, &provider};
  const auto url = http::parseUrl("http://127.0.0.1:9/v1");

  ExecutionRequest request;
  request.upstream_path = "/chat/completions";
  request.body = &client_body;
  request.body_model = body_model;
  auto built = buildUpstreamRequest(request, candidate, *url);
  const auto& message = std::get<http::OutgoingRequest>(built);
  return {message.body(), std::string(message.target()), message.body().data() == client_body.data()};
}

TEST(UpstreamRequest, UpstreamIdKeepsTheBody) {
  // The escape and the spacing would not survive a re-encoding, so equal bytes show that the
  // body was not rewritten.
  const std::string body = R"({ "model" : "gpt\u002d4o", "messages":[], "vendor_field": 1.50 })";

  const auto built = build(body, "gpt-4o", "gpt-4o");

  EXPECT_EQ(built.body, body);
  EXPECT_EQ(built.target, "/v1/chat/completions");
  EXPECT_TRUE(built.borrowed);
}

TEST(UpstreamRequest, RouteNameIsReplaced) {
  const std::string body = R"({"model":"fast","messages":[],"vendor_field":1.50})";

  const auto built = build(body, "fast", "gpt-4o");

  EXPECT_EQ(built.body, R"({"model":"gpt-4o","messages":[],"vendor_field":1.50})");
  EXPECT_FALSE(built.borrowed);
}

TEST(UpstreamRequest, UnknownBodyModelIsSpliced) {
  // Callers that leave body_model empty (cascade steps, tests) keep the splice.
  const std::string body = R"({"model":"gpt-4o","messages":[]})";

  EXPECT_EQ(build(body, "", "other").body, R"({"model":"other","messages":[]})");
  EXPECT_EQ(build(body, "", "gpt-4o").body, body);
}

/// Returns the head of the request for a chat body, streamed or not, to a provider at `base_url`.
std::string headFor(bool stream, const char* base_url) {
  config::ProviderConfig provider;
  provider.type = config::ProviderType::OpenAi;
  config::DeploymentConfig deployment;
  deployment.name = "deployment";
  deployment.model = "gpt-4o";
  const route::Candidate candidate{&deployment, &provider};
  const auto url = http::parseUrl(base_url);
  const std::string body = R"({"model":"gpt-4o","messages":[]})";

  ExecutionRequest request;
  request.upstream_path = "/chat/completions";
  request.body = &body;
  request.body_model = "gpt-4o";
  request.stream = stream;
  request.request_id = "req-1";
  auto built = buildUpstreamRequest(request, candidate, *url);
  return std::get<http::OutgoingRequest>(built).head();
}

TEST(UpstreamRequest, FixedFieldsInOrder) {
  const std::string fields_after_host =
      "Content-Type: application/json\r\nAccept: application/json\r\nAccept-Encoding: identity\r\n"
      "User-Agent: pointsman/" POINTSMAN_VERSION "\r\nx-request-id: req-1\r\nContent-Length: 32\r\n\r\n";

  EXPECT_EQ(headFor(false, "http://127.0.0.1:9/v1"),
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:9\r\n" + fields_after_host);
  EXPECT_EQ(headFor(false, "https://[::1]/v1"), "POST /v1/chat/completions HTTP/1.1\r\nHost: [::1]\r\n" + fields_after_host);
}

TEST(UpstreamRequest, StreamAcceptsEventStream) {
  const auto head = headFor(true, "http://127.0.0.1:9/v1");

  EXPECT_NE(head.find("\r\nAccept: text/event-stream\r\n"), std::string::npos);
  EXPECT_EQ(head.find("application/json\r\nAccept-Encoding"), std::string::npos);
}

}  // namespace
}  // namespace pointsman::upstream
