// Streamed relay: headers, event-by-event delivery, the commit point and keep-alive comments.

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/prometheus_text.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class Streaming : public GatewayTest {};

bool isContentEvent(const ReceivedEvent& event) {
  json chunk = json::parse(event.data, nullptr, false);
  if (!chunk.is_object() || !chunk.contains("choices") || chunk["choices"].empty()) return false;
  const json& delta = chunk["choices"][0].value("delta", json::object());
  return delta.contains("content") && delta["content"].is_string() &&
         !delta["content"].get<std::string>().empty();
}

Script simpleStream(const std::vector<std::string>& contents) {
  Script script;
  script.streamHeaders().chunk(roleEvent());
  for (const auto& content : contents) script.chunk(contentEvent(content));
  script.chunk(finishEvent()).chunk(doneEvent()).endChunked();
  return script;
}

TEST_F(Streaming, HeadersDescribeAnUncompressedEventStream) {
  primary_.enqueue(simpleStream({"Hello", " world"}));
  startGateway();

  auto stream = openStream(chatBody("mini", true), {{"Accept-Encoding", "gzip"}});
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  const HttpResponse& head = stream->head();
  EXPECT_EQ(head.header("content-type").rfind("text/event-stream", 0), 0u)
      << head.header("content-type");
  EXPECT_EQ(head.header("cache-control"), "no-cache");
  EXPECT_EQ(head.header("x-accel-buffering"), "no");
  EXPECT_TRUE(head.chunked);
  EXPECT_FALSE(head.hasHeader("content-length"));
  EXPECT_FALSE(head.hasHeader("content-encoding"));
  EXPECT_EQ(head.header("x-pointsman-route"), "mini");
  EXPECT_EQ(head.header("x-pointsman-deployment"), "mini");
  EXPECT_FALSE(head.header("x-request-id").empty());
  EXPECT_TRUE(stream->ended());
  EXPECT_EQ(assembleContent(events), "Hello world");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]");
}

// The mock sends content event k+1 only after the client has received event k, so a gateway
// that buffers the stream stalls the mock, and the violation counter shows it.
TEST_F(Streaming, EventsAreRelayedOneByOne) {
  constexpr int kContentEvents = 10;
  // Shared with the mock's thread, which may outlive this test body when an assertion fails.
  auto received = std::make_shared<std::atomic<int>>(0);
  auto orderingViolations = std::make_shared<std::atomic<int>>(0);
  Script script;
  script.streamHeaders().chunk(roleEvent()).chunk(contentEvent("c0 "));
  for (int k = 1; k < kContentEvents; ++k) {
    script.waitUntil([received, k] { return received->load() >= k; }, milliseconds(2000))
        .call([received, orderingViolations, k] {
          if (received->load() < k) ++*orderingViolations;
        })
        .chunk(contentEvent("c" + std::to_string(k) + " "));
  }
  script.chunk(finishEvent()).chunk(doneEvent()).endChunked();
  primary_.enqueue(script);
  startGateway();

  // Accept-Encoding: gzip must not make the gateway compress (and so buffer) the stream.
  auto stream = openStream(chatBody("mini", true), {{"Accept-Encoding", "gzip"}});
  std::vector<ReceivedEvent> events;
  while (auto event = stream->nextEvent(kWait)) {
    if (isContentEvent(*event)) ++*received;
    events.push_back(std::move(*event));
  }

  EXPECT_EQ(orderingViolations->load(), 0);
  EXPECT_EQ(received->load(), kContentEvents);
  EXPECT_TRUE(stream->ended());
  std::string expected;
  for (int k = 0; k < kContentEvents; ++k) expected += "c" + std::to_string(k) + " ";
  EXPECT_EQ(assembleContent(events), expected);
}

// Content events 300 ms apart must reach the client about when the upstream sent them. The
// bound is 150 ms per event, looser than the 50 ms goal, so a loaded machine does not flake.
TEST_F(Streaming, EventsArriveWhenTheUpstreamSendsThem) {
  constexpr int kContentEvents = 5;
  struct SendTimes {
    std::mutex mutex;
    std::vector<Clock::time_point> times;
  };
  // Shared with the mock's thread, which may outlive this test body when an assertion fails.
  auto sentAt = std::make_shared<SendTimes>();
  Script script;
  script.streamHeaders().chunk(roleEvent());
  for (int k = 0; k < kContentEvents; ++k) {
    script.delay(milliseconds(300))
        .call([sentAt] {
          std::lock_guard lock(sentAt->mutex);
          sentAt->times.push_back(Clock::now());
        })
        .chunk(contentEvent("t" + std::to_string(k)));
  }
  script.chunk(finishEvent()).chunk(doneEvent()).endChunked();
  primary_.enqueue(script);
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  std::vector<ReceivedEvent> contentEvents;
  while (auto event = stream->nextEvent(kWait)) {
    if (isContentEvent(*event)) contentEvents.push_back(std::move(*event));
  }

  std::vector<Clock::time_point> sent;
  {
    std::lock_guard lock(sentAt->mutex);
    sent = sentAt->times;
  }
  ASSERT_EQ(contentEvents.size(), static_cast<std::size_t>(kContentEvents));
  ASSERT_EQ(sent.size(), static_cast<std::size_t>(kContentEvents));
  for (int k = 0; k < kContentEvents; ++k) {
    auto lag = std::chrono::duration_cast<milliseconds>(contentEvents[k].arrived - sent[k]);
    EXPECT_LT(lag.count(), 150) << "content event " << k;
  }

  // The first content left the upstream 300 ms after its headers, so time to first token must
  // read about 0.3 s, not the 1.5 s of the whole stream.
  std::string metrics = waitForMetrics([](const std::string& exposition) {
    return metricSum(exposition, "pointsman_time_to_first_token_seconds_count").value_or(0) > 0;
  });
  auto sum = metricSum(metrics, "pointsman_time_to_first_token_seconds_sum");
  auto count = metricSum(metrics, "pointsman_time_to_first_token_seconds_count");
  ASSERT_TRUE(sum.has_value()) << metrics;
  ASSERT_TRUE(count.has_value()) << metrics;
  ASSERT_GT(*count, 0) << metrics;
  EXPECT_GT(*sum / *count, 0.2);
  EXPECT_LT(*sum / *count, 1.0);
}

TEST_F(Streaming, RolePreambleIsHeldUntilFirstContent) {
  auto contentSentAt = std::make_shared<std::atomic<long long>>(0);
  primary_.enqueue(
      Script()
          .streamHeaders()
          .chunk(roleEvent())
          .delay(milliseconds(400))
          .call([contentSentAt] { *contentSentAt = Clock::now().time_since_epoch().count(); })
          .chunk(contentEvent("Hi"))
          .chunk(finishEvent())
          .chunk(doneEvent())
          .endChunked());
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  std::optional<ReceivedEvent> first = stream->nextEvent(kWait);
  std::vector<ReceivedEvent> rest = stream->readAll(kWait);

  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(json::parse(first->data)["choices"][0]["delta"]["role"], "assistant");
  EXPECT_GE(first->arrived.time_since_epoch().count(), contentSentAt->load());
  EXPECT_EQ(assembleContent(rest), "Hi");
}

// Once the upstream returned 200, a long wait for the first token gets SSE comments so that
// proxies and clients do not time the connection out.
TEST_F(Streaming, KeepAliveCommentsWhileWaitingForFirstContent) {
  primary_.enqueue(Script()
                       .streamHeaders()
                       .delay(milliseconds(900))
                       .chunk(roleEvent())
                       .chunk(contentEvent("late"))
                       .chunk(finishEvent())
                       .chunk(doneEvent())
                       .endChunked());
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  ASSERT_FALSE(events.empty());
  std::size_t commentsBeforeFirstEvent = 0;
  for (auto time : stream->commentTimes()) {
    if (time <= events.front().arrived) ++commentsBeforeFirstEvent;
  }
  // 900 ms of silence with a 200 ms interval leaves room for at least two comments.
  EXPECT_GE(commentsBeforeFirstEvent, 2u);
  EXPECT_EQ(assembleContent(events), "late");
}

TEST_F(Streaming, UpstreamBadRequestBeforeFirstEventKeepsStatus) {
  const std::string upstreamError = errorJson(
      "Invalid value for 'temperature'", "invalid_request_error", "invalid_value", "temperature");
  primary_.enqueue(Script().status(400, {}, upstreamError));
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  ASSERT_TRUE(stream->waitForHead(kWait));
  std::string body = stream->readBody(kWait);

  EXPECT_EQ(stream->status(), 400);
  EXPECT_EQ(stream->head().header("content-type").rfind("application/json", 0), 0u);
  json error = json::parse(body, nullptr, false);
  ASSERT_TRUE(error.is_object()) << body;
  EXPECT_EQ(error["error"]["type"], "invalid_request_error");
  EXPECT_EQ(error["error"]["param"], "temperature");
}

// Keep-alive comments would commit a 200 stream, so they must wait for the upstream's status:
// a slow upstream that ends in 400 still gives the client a 400.
TEST_F(Streaming, SlowUpstreamErrorIsNotPrecededByKeepAlives) {
  primary_.enqueue(Script()
                       .delay(milliseconds(800))
                       .status(400, {}, errorJson("Invalid 'messages'", "invalid_request_error")));
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  ASSERT_TRUE(stream->waitForHead(kWait));
  std::string body = stream->readBody(kWait);

  EXPECT_EQ(stream->status(), 400) << body;
  EXPECT_EQ(json::parse(body, nullptr, false)["error"]["type"], "invalid_request_error") << body;
}

// An upstream that ignores `stream: true` and returns plain JSON: the gateway may relay it or
// report an error, but it must keep serving.
TEST_F(Streaming, JsonAnswerToStreamRequestKeepsGatewayUp) {
  primary_.enqueue(Script().status(200, {}, completionJson("not a stream")));
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  bool headArrived = stream->waitForHead(kWait);
  stream->readAll(kWait);

  EXPECT_TRUE(headArrived) << "the gateway closed the connection without a response";
  EXPECT_TRUE(gateway_->running()) << "the gateway exited; log " << gateway_->logPath();
  EXPECT_EQ(postChat(chatBody("mini")).status, 200);
}

TEST_F(Streaming, UpstreamUnauthorizedBeforeFirstEventIsBadGateway) {
  primary_.enqueue(
      Script().status(401, {}, errorJson("Incorrect API key provided", "invalid_request_error")));
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  ASSERT_TRUE(stream->waitForHead(kWait));
  std::string body = stream->readBody(kWait);

  EXPECT_EQ(stream->status(), 502);
  EXPECT_EQ(stream->head().header("content-type").rfind("application/json", 0), 0u);
  json error = json::parse(body, nullptr, false);
  ASSERT_TRUE(error.is_object()) << body;
  EXPECT_NE(error["error"].value("message", "").find("mini"), std::string::npos) << body;
}

// An in-band error as the first event arrives before the gateway commits its own headers, so the
// client must get a JSON error status instead of a 200 stream.
TEST_F(Streaming, InBandErrorAsFirstEventBecomesErrorStatus) {
  primary_.enqueue(Script()
                       .streamHeaders()
                       .chunk(sseData(R"({"error":{"message":"invalid request","code":400}})"))
                       .endChunked());
  startGateway();

  auto stream = openStream(chatBody("mini", true));
  ASSERT_TRUE(stream->waitForHead(kWait));
  std::string body = stream->readBody(kWait);

  EXPECT_GE(stream->status(), 400);
  EXPECT_EQ(stream->head().header("content-type").rfind("application/json", 0), 0u);
  json error = json::parse(body, nullptr, false);
  ASSERT_TRUE(error.is_object()) << body;
  EXPECT_TRUE(error["error"].is_object()) << body;
}

// After the commit point there is no failover: the stream ends with an error event, and no
// output of another deployment is appended.
TEST_F(Streaming, ResetAfterCommitPointEndsWithErrorEvent) {
  primary_.enqueue(Script()
                       .streamHeaders()
                       .chunk(roleEvent())
                       .chunk(contentEvent("Hel"))
                       .delay(milliseconds(50))
                       .reset());
  backup_.setDefault(simpleStream({"backup output"}));
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  EXPECT_EQ(stream->status(), 200);
  EXPECT_TRUE(stream->ended());
  ASSERT_FALSE(events.empty());
  json last = json::parse(events.back().data, nullptr, false);
  ASSERT_TRUE(last.is_object()) << events.back().data;
  EXPECT_TRUE(last["error"].is_object()) << events.back().data;
  EXPECT_EQ(assembleContent(events), "Hel");
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Streaming, InBandErrorAfterCommitPointEndsTheStream) {
  primary_.enqueue(Script()
                       .streamHeaders()
                       .chunk(roleEvent())
                       .chunk(contentEvent("partial"))
                       .chunk(sseData(errorJson("The server is overloaded", "server_error")))
                       .endChunked());
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  EXPECT_EQ(stream->status(), 200);
  EXPECT_TRUE(stream->ended());
  ASSERT_FALSE(events.empty());
  json last = json::parse(events.back().data, nullptr, false);
  ASSERT_TRUE(last.is_object()) << events.back().data;
  EXPECT_TRUE(last["error"].is_object()) << events.back().data;
  EXPECT_EQ(assembleContent(events), "partial");
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Streaming, ResponseModelIsRelayedInEveryChunk) {
  primary_.enqueue(simpleStream({"a", "b"}));
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->head().header("x-pointsman-route"), "smart");
  EXPECT_EQ(stream->head().header("x-pointsman-deployment"), "mini");
  std::size_t chunks = 0;
  for (const auto& event : events) {
    json chunk = json::parse(event.data, nullptr, false);
    if (!chunk.is_object()) continue;
    ++chunks;
    EXPECT_EQ(chunk["model"], kUpstreamModel) << event.data;
  }
  EXPECT_GE(chunks, 3u);
}

}  // namespace
}  // namespace pointsman::test
