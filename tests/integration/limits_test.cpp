// Request body limits: large image bodies reach the upstream byte for byte, and a body over
// `max_body_bytes` gets a prompt 413 in OpenAI error JSON.

#include <nlohmann/json.hpp>
#include <random>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// A chat request whose user message carries a base64 PNG data URL of `base64Bytes` characters.
std::string imageRequest(std::size_t base64Bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::mt19937 random(42);
  std::string data(base64Bytes, 'A');
  for (char& c : data) c = kAlphabet[random() % 64];
  return R"({"model":"mini","messages":[{"role":"user","content":[)"
         R"({"type":"text","text":"What is in this image?"},)"
         R"({"type":"image_url","image_url":{"url":"data:image/png;base64,)" +
         data + R"("}}]}]})";
}

class Limits : public GatewayTest {
 protected:
  void expectForwardedIntact(const std::string& clientBody) {
    ASSERT_EQ(primary_.requestCount(), 1u);
    RecordedRequest upstream = primary_.requests().front();
    EXPECT_EQ(upstream.header("content-length"), std::to_string(upstream.body.size()));
    json sent = json::parse(upstream.body, nullptr, false);
    ASSERT_FALSE(sent.is_discarded());
    json expected = json::parse(clientBody);
    EXPECT_EQ(sent["model"], kUpstreamModel);
    // Compare the data URL as a string: a mismatch report of a megabyte-sized JSON is useless.
    std::string sentUrl = sent["messages"][0]["content"][1]["image_url"]["url"];
    std::string expectedUrl = expected["messages"][0]["content"][1]["image_url"]["url"];
    EXPECT_EQ(sentUrl.size(), expectedUrl.size());
    EXPECT_TRUE(sentUrl == expectedUrl) << "the image data changed on the way";
    expected["model"] = kUpstreamModel;
    EXPECT_TRUE(sent == expected) << "the upstream body differs from the client body";
  }
};

TEST_F(Limits, BodyOfOneAndHalfMegabytesArrivesIntact) {
  startGateway();
  const std::string body = imageRequest(1'500'000);

  HttpResponse response = postChat(body);

  ASSERT_EQ(response.status, 200) << response.body;
  expectForwardedIntact(body);
}

TEST_F(Limits, ChunkedBodyOfThirtyMegabytesArrivesIntact) {
  startGateway();
  const std::string body = imageRequest(30'000'000);

  HttpResponse response = sendRequest(
      gateway_->publicPort(),
      RequestOptions{.body = body, .chunkedBody = true, .timeout = std::chrono::seconds(60)});

  ASSERT_EQ(response.status, 200) << response.body;
  expectForwardedIntact(body);
}

TEST_F(Limits, ExpectContinueGetsInterimResponse) {
  startGateway();
  const std::string body = imageRequest(4096);
  const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  TcpConnection connection(gateway_->publicPort());
  const auto deadline = TcpConnection::Clock::now() + std::chrono::seconds(5);
  std::string buffer;

  connection.sendAll(head, deadline);
  const HttpResponse interim = readResponseHead(connection, buffer, deadline);
  connection.sendAll(body, deadline);
  HttpResponse response = readResponseHead(connection, buffer, deadline);
  readResponseBody(connection, buffer, response, deadline);

  EXPECT_EQ(interim.status, 100);
  ASSERT_EQ(response.status, 200) << response.body;
  expectForwardedIntact(body);
}

class OversizedBody : public Limits, public ::testing::WithParamInterface<bool> {};

TEST_P(OversizedBody, GetsPromptPayloadTooLarge) {
  const bool chunked = GetParam();
  startGateway(defaultConfig().serverField("max_body_bytes: 2097152").yaml());
  const std::string body = imageRequest(3 * 1024 * 1024);

  Clock::time_point start = Clock::now();
  HttpResponse response = sendRequest(
      gateway_->publicPort(),
      RequestOptions{.body = body, .chunkedBody = chunked, .timeout = std::chrono::seconds(10)});
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);

  ASSERT_EQ(response.status, 413) << response.body.substr(0, 500);
  EXPECT_EQ(response.header("content-type").rfind("application/json", 0), 0u);
  json error = response.json();
  ASSERT_TRUE(error["error"].is_object()) << response.body.substr(0, 500);
  const std::string message = error["error"].value("message", "");
  EXPECT_NE(message.find("2097152 bytes"), std::string::npos) << message;
  if (!chunked) EXPECT_NE(message.find(std::to_string(body.size()) + " bytes"), std::string::npos) << message;
  EXPECT_LT(elapsed.count(), 5000);
  EXPECT_EQ(primary_.requestCount(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Framing, OversizedBody, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Chunked" : "ContentLength";
                         });

}  // namespace
}  // namespace pointsman::test
