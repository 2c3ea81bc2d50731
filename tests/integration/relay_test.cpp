// Non-streamed relay: what the upstream receives and what the client gets back.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/gzip.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

class Relay : public GatewayTest {};

TEST_F(Relay, NonStreamedAnswerIsRelayed) {
  primary_.enqueue(Script().status(200, {}, completionJson("Hello there.")));
  startGateway();

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json(), json::parse(completionJson("Hello there.")));
  EXPECT_FALSE(response.header("x-request-id").empty());
  EXPECT_EQ(response.header("x-pointsman-route"), "mini");
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(response.header("x-pointsman-attempts"), "1");
  if (response.hasHeader("content-length")) {
    EXPECT_EQ(response.header("content-length"), std::to_string(response.body.size()));
  }
}

TEST_F(Relay, UpstreamGetsPathKeyAndRequestId) {
  startGateway();

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_EQ(primary_.requestCount(), 1u);
  RecordedRequest upstream = primary_.requests().front();
  EXPECT_EQ(upstream.method, "POST");
  EXPECT_EQ(upstream.target, "/v1/chat/completions");
  EXPECT_EQ(upstream.header("authorization"), std::string("Bearer ") + kProviderKeyCanary);
  EXPECT_FALSE(upstream.header("x-request-id").empty());
  EXPECT_EQ(upstream.header("x-request-id"), response.header("x-request-id"));
  EXPECT_EQ(upstream.header("content-length"), std::to_string(upstream.body.size()));
  EXPECT_EQ(json::parse(upstream.body)["model"], kUpstreamModel);
}

TEST_F(Relay, ClientRequestIdIsKept) {
  startGateway();

  HttpResponse response = postChat(chatBody("mini"), {{"X-Request-Id", "it-request-42"}});

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-request-id"), "it-request-42");
  ASSERT_EQ(primary_.requestCount(), 1u);
  EXPECT_EQ(primary_.requests().front().header("x-request-id"), "it-request-42");
}

TEST_F(Relay, GatewayAndHopByHopHeadersAreNotForwarded) {
  startGateway();

  HttpResponse response = postChat(chatBody("mini"), {{"x-pointsman-timeout-ms", "5000"},
                                                      {"x-pointsman-route-hint", "cheap"},
                                                      {"Keep-Alive", "timeout=5"},
                                                      {"TE", "trailers"},
                                                      {"Proxy-Authorization", "Basic eDp5"}});

  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_EQ(primary_.requestCount(), 1u);
  RecordedRequest upstream = primary_.requests().front();
  for (const auto& [name, value] : upstream.headers) {
    EXPECT_NE(name.rfind("x-pointsman-", 0), 0u) << "forwarded " << name;
  }
  EXPECT_FALSE(upstream.hasHeader("keep-alive"));
  EXPECT_FALSE(upstream.hasHeader("te"));
  EXPECT_FALSE(upstream.hasHeader("proxy-authorization"));
  EXPECT_FALSE(upstream.hasHeader("trailer"));
}

TEST_F(Relay, UpstreamHopByHopHeadersAreNotRelayed) {
  primary_.enqueue(Script().status(200,
                                   {{"Keep-Alive", "timeout=5"},
                                    {"Proxy-Authenticate", "Basic realm=upstream"},
                                    {"Upgrade", "h2c"},
                                    {"Trailer", "x-checksum"}},
                                   completionJson("ok")));
  startGateway();

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_FALSE(response.hasHeader("keep-alive"));
  EXPECT_FALSE(response.hasHeader("proxy-authenticate"));
  EXPECT_FALSE(response.hasHeader("upgrade"));
  EXPECT_FALSE(response.hasHeader("trailer"));
}

TEST_F(Relay, InvalidJsonGetsBadRequestWithoutUpstreamCall) {
  startGateway();

  HttpResponse response = postChat(R"({"model":"mini","messages":[)");

  ASSERT_EQ(response.status, 400) << response.body;
  EXPECT_EQ(response.header("content-type").rfind("application/json", 0), 0u);
  EXPECT_EQ(response.json()["error"]["type"], "invalid_request_error") << response.body;
  EXPECT_EQ(primary_.requestCount(), 0u);
}

// Vendor fields the gateway does not know (vLLM's top_k, return_token_ids, ...) must reach the
// upstream as the client wrote them, and unknown response fields must reach the client.
TEST_F(Relay, UnknownFieldsPassThroughUnchanged) {
  json upstreamAnswer = json::parse(completionJson("ok"));
  upstreamAnswer["prompt_token_ids"] = json::array({1, 2, 3});
  upstreamAnswer["kv_transfer_params"] = json{{"remote_host", nullptr}};
  primary_.enqueue(Script().status(200, {}, upstreamAnswer.dump()));
  startGateway();
  const std::string clientBody =
      R"({"model":"mini","messages":[{"role":"user","content":"hi"}],"max_tokens":10,)"
      R"("top_k":20,"return_token_ids":true,"chat_template_kwargs":{"enable_thinking":false},)"
      R"("future_field":{"x":[1,2.5,null]},"temperature":0.25,"seed":12345678901})";

  HttpResponse response = postChat(clientBody);

  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_EQ(primary_.requestCount(), 1u);
  std::string upstreamBody = primary_.requests().front().body;
  json expected = json::parse(clientBody);
  expected["model"] = kUpstreamModel;
  EXPECT_EQ(json::parse(upstreamBody), expected) << upstreamBody;
  EXPECT_TRUE(json::parse(upstreamBody)["max_tokens"].is_number_integer()) << upstreamBody;
  EXPECT_TRUE(json::parse(upstreamBody)["seed"].is_number_integer()) << upstreamBody;
  EXPECT_EQ(upstreamBody.find("10.0"), std::string::npos) << upstreamBody;

  json relayed = response.json();
  EXPECT_EQ(relayed["prompt_token_ids"], json::array({1, 2, 3}));
  EXPECT_TRUE(relayed.contains("kv_transfer_params"));
}

// The rewritten model id has a different length than the route name, so a copied
// Content-Length would make the upstream wait for bytes that never come, or cut the JSON.
TEST_F(Relay, RewrittenBodyHasExactContentLength) {
  startGateway();
  const std::string prettyBody =
      "{\n  \"model\": \"smart\",\n  \"messages\": [\n    {\n      \"role\": \"user\",\n"
      "      \"content\": \"hi\"\n    }\n  ]\n}\n";

  HttpResponse response = postChat(prettyBody);

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-route"), "smart");
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  ASSERT_EQ(primary_.requestCount(), 1u);
  RecordedRequest upstream = primary_.requests().front();
  EXPECT_EQ(upstream.header("content-length"), std::to_string(upstream.body.size()));
  json sent = json::parse(upstream.body, nullptr, false);
  ASSERT_FALSE(sent.is_discarded()) << upstream.body;
  EXPECT_EQ(sent["model"], kUpstreamModel);
  EXPECT_EQ(sent["messages"], json::parse(prettyBody)["messages"]);
}

// A body that already names the deployment's upstream id goes out as the client's own bytes,
// which the gateway borrows instead of copying. Its Content-Length must still be the body's.
TEST_F(Relay, BodyNamingTheUpstreamIdGoesOutUnchanged) {
  startGateway(defaultConfig().deployment(kUpstreamModel, "primary", kUpstreamModel, "context: 128000").yaml());
  const std::string clientBody = std::string(R"({ "model" : ")") + kUpstreamModel +
                                 R"(", "messages":[{"role":"user","content":"caf\u00e9"}], "top_k": 2.50 })";

  HttpResponse response = postChat(clientBody);

  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_EQ(primary_.requestCount(), 1u);
  RecordedRequest upstream = primary_.requests().front();
  EXPECT_EQ(upstream.body, clientBody);
  EXPECT_EQ(upstream.header("content-length"), std::to_string(clientBody.size()));
}

// Either the gateway decodes the upstream's gzip and sends plain JSON, or it sends gzip with a
// matching Content-Encoding. Either way the headers must describe the bytes the client gets.
TEST_F(Relay, GzipUpstreamAnswerMatchesItsHeaders) {
  const std::string plain = completionJson("compressed hello");
  primary_.enqueue(Script().status(200, {{"Content-Encoding", "gzip"}}, gzipCompress(plain)));
  startGateway();

  HttpResponse response = postChat(chatBody("mini"), {{"Accept-Encoding", "gzip, br"}});

  ASSERT_EQ(response.status, 200) << response.body;
  if (response.hasHeader("content-length")) {
    EXPECT_EQ(response.header("content-length"), std::to_string(response.body.size()));
  }
  std::string decoded = response.body;
  if (response.header("content-encoding") == "gzip")
    decoded = gzipDecompress(response.body);
  else
    EXPECT_FALSE(response.hasHeader("content-encoding"));
  EXPECT_EQ(json::parse(decoded, nullptr, false), json::parse(plain));
}

TEST_F(Relay, GzipUpstreamAnswerIsPlainForClientWithoutGzip) {
  const std::string plain = completionJson("compressed hello");
  primary_.enqueue(Script().status(200, {{"Content-Encoding", "gzip"}}, gzipCompress(plain)));
  startGateway();

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_FALSE(response.hasHeader("content-encoding"));
  if (response.hasHeader("content-length")) {
    EXPECT_EQ(response.header("content-length"), std::to_string(response.body.size()));
  }
  EXPECT_EQ(json::parse(response.body, nullptr, false), json::parse(plain));
}

// A gzip request body is either decompressed before the model rewrite or rejected with 415;
// forwarding it with a decoded body but the old Content-Encoding would corrupt it.
TEST_F(Relay, GzipRequestBodyIsDecodedOrRejected) {
  startGateway();
  const std::string plainBody = chatBody("mini");

  HttpResponse response = postChat(gzipCompress(plainBody), {{"Content-Encoding", "gzip"}});

  if (response.status == 415) {
    EXPECT_TRUE(response.json()["error"].is_object()) << response.body;
    EXPECT_EQ(primary_.requestCount(), 0u);
    return;
  }
  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_EQ(primary_.requestCount(), 1u);
  RecordedRequest upstream = primary_.requests().front();
  EXPECT_FALSE(upstream.hasHeader("content-encoding"));
  EXPECT_EQ(upstream.header("content-length"), std::to_string(upstream.body.size()));
  json sent = json::parse(upstream.body, nullptr, false);
  ASSERT_FALSE(sent.is_discarded()) << "upstream body is not plain JSON";
  EXPECT_EQ(sent["model"], kUpstreamModel);
}

}  // namespace
}  // namespace pointsman::test
