// What a streaming client sees when the primary of route `smart` = [mini, backup-mini] fails
// before or after the commit point (the first content event the client receives). Before that
// point a failover is invisible. After it, the stream ends with an error event and nothing else is
// appended.

#include <nlohmann/json.hpp>

#include <algorithm>

#include "support/gateway_test.hpp"
#include "support/prometheus_text.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// Distinct response ids show which upstream an event came from.
constexpr const char* kPrimaryId = "chatcmpl-primary";
constexpr const char* kBackupId = "chatcmpl-backup";

// Returns `chunkJson` as an SSE event whose `id` is replaced by `id`.
std::string eventWithId(const std::string& chunkJson, const std::string& id) {
  json chunk = json::parse(chunkJson);
  chunk["id"] = id;
  return sseData(chunk.dump());
}

Script backupStream() {
  return Script()
      .streamHeaders()
      .chunk(eventWithId(roleChunkJson(), kBackupId))
      .chunk(eventWithId(contentChunkJson("from backup"), kBackupId))
      .chunk(eventWithId(finishChunkJson(), kBackupId))
      .chunk(doneEvent())
      .endChunked();
}

std::size_t countContentChunks(const std::vector<ReceivedEvent>& events) {
  std::size_t count = 0;
  for (const auto& event : events) {
    json chunk = json::parse(event.data, nullptr, false);
    if (!chunk.is_object() || !chunk.contains("choices") || chunk["choices"].empty()) continue;
    const json& delta = chunk["choices"][0].value("delta", json::object());
    if (delta.contains("content") && delta["content"].is_string() &&
        !delta["content"].get<std::string>().empty()) {
      ++count;
    }
  }
  return count;
}

std::size_t countErrorEvents(const std::vector<ReceivedEvent>& events) {
  std::size_t count = 0;
  for (const auto& event : events) {
    json data = json::parse(event.data, nullptr, false);
    if (data.is_object() && data.contains("error")) ++count;
  }
  return count;
}

// Returns every distinct `id` of the chunks in `events`, in order of first appearance.
std::vector<std::string> responseIds(const std::vector<ReceivedEvent>& events) {
  std::vector<std::string> ids;
  for (const auto& event : events) {
    json chunk = json::parse(event.data, nullptr, false);
    if (!chunk.is_object() || !chunk.contains("id") || !chunk["id"].is_string()) continue;
    const auto id = chunk["id"].get<std::string>();
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

class FailoverSemantics : public GatewayTest {
 protected:
  void expectOneCleanBackupStream(SseClient& stream, const std::vector<ReceivedEvent>& events) {
    ASSERT_EQ(stream.status(), 200);
    EXPECT_EQ(stream.head().header("x-pointsman-deployment"), "backup-mini");
    EXPECT_EQ(stream.head().header("x-pointsman-attempts"), "2");
    EXPECT_TRUE(stream.ended());
    EXPECT_EQ(countRoleChunks(events), 1u) << stream.rawBody();
    EXPECT_EQ(assembleContent(events), "from backup");
    EXPECT_EQ(countErrorEvents(events), 0u) << stream.rawBody();
    EXPECT_EQ(responseIds(events), std::vector<std::string>{kBackupId}) << stream.rawBody();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().data, "[DONE]");
    EXPECT_EQ(backup_.requestCount(), 1u);
  }
};

TEST_F(FailoverSemantics, ResetAfterContentDoesNotFailOver) {
  primary_.enqueue(Script()
                       .streamHeaders()
                       .chunk(eventWithId(roleChunkJson(), kPrimaryId))
                       .chunk(eventWithId(contentChunkJson("Here"), kPrimaryId))
                       .chunk(eventWithId(contentChunkJson(" is the"), kPrimaryId))
                       .chunk(eventWithId(contentChunkJson(" plan"), kPrimaryId))
                       .delay(milliseconds(50))
                       .reset());
  backup_.setDefault(backupStream());
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->head().header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(stream->head().header("x-pointsman-attempts"), "1");
  EXPECT_TRUE(stream->ended());
  EXPECT_EQ(countContentChunks(events), 3u) << stream->rawBody();
  EXPECT_EQ(assembleContent(events), "Here is the plan");
  EXPECT_EQ(countRoleChunks(events), 1u) << stream->rawBody();
  EXPECT_EQ(responseIds(events), std::vector<std::string>{kPrimaryId}) << stream->rawBody();
  ASSERT_FALSE(events.empty());
  json last = json::parse(events.back().data, nullptr, false);
  ASSERT_TRUE(last.is_object()) << events.back().data;
  EXPECT_TRUE(last["error"].is_object()) << events.back().data;
  EXPECT_EQ(countErrorEvents(events), 1u) << stream->rawBody();
  EXPECT_EQ(backup_.requestCount(), 0u);
  EXPECT_EQ(stream->rawBody().find("from backup"), std::string::npos) << stream->rawBody();

  std::string metrics = waitForMetrics([](const std::string& text) {
    return metricSum(text, "pointsman_requests_total").value_or(0) >= 1;
  });
  EXPECT_EQ(metricSum(metrics, "pointsman_upstream_attempts_total",
                      R"(deployment="mini",outcome="connection_reset")")
                .value_or(0),
            1)
      << metrics;
  EXPECT_EQ(metricSum(metrics, "pointsman_upstream_attempts_total").value_or(0), 1) << metrics;
  EXPECT_EQ(
      metricSum(metrics, "pointsman_upstream_attempts_total", R"(deployment="backup-mini")")
          .value_or(0),
      0)
      << metrics;
  EXPECT_EQ(metricSum(metrics, "pointsman_failovers_total").value_or(0), 0) << metrics;
}

// A role chunk carries no content, so the gateway buffers it and may still fail over.
TEST_F(FailoverSemantics, OverloadedBeforeContentFailsOverOnce) {
  primary_.enqueue(
      Script()
          .streamHeaders()
          .chunk(eventWithId(roleChunkJson(), kPrimaryId))
          .chunk(sseData(
              R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"))
          .endChunked());
  backup_.setDefault(backupStream());
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  expectOneCleanBackupStream(*stream, events);
}

TEST_F(FailoverSemantics, ServiceUnavailableBeforeBodyIsInvisible) {
  primary_.enqueue(Script().status(503, {}, errorJson("overloaded", "server_error")));
  backup_.setDefault(backupStream());
  startGateway();

  auto stream = openStream(chatBody("smart", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  expectOneCleanBackupStream(*stream, events);
  EXPECT_EQ(primary_.requestCount(), 1u);
}

}  // namespace
}  // namespace pointsman::test
