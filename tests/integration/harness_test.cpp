// Checks of the test harness itself (mock upstream, test clients, certificates), which run
// without the gateway, so that a failing gateway test is not a harness bug in disguise.

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "support/gzip.hpp"
#include "support/http_client.hpp"
#include "support/mock_upstream.hpp"
#include "support/prometheus_text.hpp"
#include "support/sse_client.hpp"
#include "support/sse_events.hpp"
#include "support/test_certificates.hpp"

namespace pointsman::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

TEST(Harness, MockRecordsRequestAndSendsDefaultCompletion) {
  MockUpstream mock;

  HttpResponse response =
      post(mock.port(), "/v1/chat/completions", R"({"a":1})", {{"X-Test", "yes"}});

  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.json()["model"], kUpstreamModel);
  ASSERT_TRUE(mock.waitForRequests(1, seconds(1)));
  RecordedRequest request = mock.requests().front();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/v1/chat/completions");
  EXPECT_EQ(request.body, R"({"a":1})");
  EXPECT_EQ(request.header("x-test"), "yes");
}

TEST(Harness, MockDecodesChunkedRequestBody) {
  MockUpstream mock;
  const std::string body(3'000'000, 'q');

  HttpResponse response = sendRequest(
      mock.port(), RequestOptions{.body = body, .chunkedBody = true, .chunkSize = 7777});

  EXPECT_EQ(response.status, 200);
  ASSERT_EQ(mock.requestCount(), 1u);
  EXPECT_TRUE(mock.requests().front().chunked);
  EXPECT_TRUE(mock.requests().front().body == body);
}

TEST(Harness, SseClientJoinsEventsSplitAcrossWrites) {
  MockUpstream mock;
  const std::string first = "data: {\"x\":1}\r\n\r\n";
  const std::string second = "data:{\"y\":2}\r\n\r\n";
  mock.enqueue(Script()
                   .streamHeaders()
                   .chunk(first.substr(0, 5))
                   .delay(milliseconds(10))
                   .chunk(first.substr(5, first.size() - 6))
                   .delay(milliseconds(10))
                   .chunk(first.substr(first.size() - 1) + ": keep-alive\n\n")
                   .chunk(second)
                   .chunk(doneEvent())
                   .endChunked());

  SseClient client(mock.port(), RequestOptions{.body = "{}"});
  std::vector<ReceivedEvent> events = client.readAll(seconds(5));

  ASSERT_EQ(events.size(), 3u) << client.rawBody();
  EXPECT_EQ(events[0].data, "{\"x\":1}");
  EXPECT_EQ(events[1].data, "{\"y\":2}");
  EXPECT_EQ(events[2].data, "[DONE]");
  EXPECT_TRUE(client.ended());
  EXPECT_EQ(client.commentTimes().size(), 1u);
}

TEST(Harness, MockRecordsWhenClientCloses) {
  MockUpstream mock;
  Script script;
  script.streamHeaders().chunk(roleEvent());
  for (int i = 0; i < 100; ++i) script.chunk(contentEvent("x")).delay(milliseconds(100));
  mock.enqueue(script);

  SseClient client(mock.port(), RequestOptions{.body = "{}"});
  ASSERT_TRUE(client.nextEvent(seconds(2)).has_value());
  Clock::time_point left = Clock::now();
  client.close();

  ASSERT_TRUE(mock.waitForClosedConnections(1, seconds(3)));
  ConnectionRecord record = mock.connections().front();
  EXPECT_TRUE(record.closedByPeer);
  ASSERT_TRUE(record.closed.has_value());
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(*record.closed - left).count(), 500);
}

TEST(Harness, MockResetIsNotCountedAsPeerClose) {
  MockUpstream mock;
  mock.enqueue(Script().reset());

  EXPECT_THROW(post(mock.port(), "/v1/chat/completions", "{}"), std::runtime_error);

  ASSERT_EQ(mock.connections().size(), 1u);
  EXPECT_FALSE(mock.connections().front().closedByPeer);
}

TEST(Harness, MockKeepsConnectionAliveBetweenScripts) {
  MockUpstream mock;
  mock.enqueue(Script().status(503, {{"Content-Encoding", "gzip"}}, gzipCompress("hello")));
  TcpConnection connection(mock.port());
  auto deadline = Clock::now() + seconds(2);
  std::string buffer;

  for (int status : {503, 200}) {
    connection.sendAll(serializeRequest(mock.port(), RequestOptions{.body = "{}"}), deadline);
    HttpResponse response = readResponseHead(connection, buffer, deadline);
    readResponseBody(connection, buffer, response, deadline);
    EXPECT_EQ(response.status, status);
    if (status == 503) EXPECT_EQ(gzipDecompress(response.body), "hello");
  }

  EXPECT_EQ(mock.connections().size(), 1u);
  EXPECT_EQ(mock.requestCount(), 2u);
}

// The TLS tests rely on these certificates verifying for 127.0.0.1 against the test CA only.
TEST(Harness, TlsMockVerifiesAgainstTestCaOnly) {
  namespace asio = boost::asio;
  TestCertificates certificates;
  MockUpstream mock(TlsServerFiles{certificates.certFile(), certificates.keyFile()});
  asio::io_context io;
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), mock.port());

  asio::ssl::context trusting(asio::ssl::context::tls_client);
  trusting.load_verify_file(certificates.caFile());
  trusting.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<asio::ip::tcp::socket> verified(io, trusting);
  verified.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  verified.lowest_layer().connect(endpoint);
  boost::system::error_code error;
  verified.handshake(asio::ssl::stream_base::client, error);
  EXPECT_FALSE(error) << error.message();

  asio::ssl::context bare(asio::ssl::context::tls_client);
  bare.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<asio::ip::tcp::socket> unverified(io, bare);
  unverified.lowest_layer().connect(endpoint);
  unverified.handshake(asio::ssl::stream_base::client, error);
  EXPECT_TRUE(error) << "a client without the test CA accepted the certificate";
}

TEST(Harness, MetricSumFiltersByLabels) {
  const std::string exposition =
      "# HELP pointsman_requests_total Requests.\n"
      "pointsman_requests_total{route=\"smart\",deployment=\"mini\",status_class=\"2xx\"} 3\n"
      "pointsman_requests_total{route=\"mini\",deployment=\"mini\",status_class=\"5xx\"} 2\n"
      "pointsman_requests_in_flight 0\n";

  EXPECT_EQ(metricSum(exposition, "pointsman_requests_total"), 5.0);
  EXPECT_EQ(metricSum(exposition, "pointsman_requests_total", R"(route="smart")"), 3.0);
  EXPECT_EQ(metricSum(exposition, "pointsman_requests_in_flight"), 0.0);
  EXPECT_FALSE(metricSum(exposition, "pointsman_requests").has_value());
}

}  // namespace
}  // namespace pointsman::test
