// Every fault the scripted mock can inject at the primary of route `smart` = [mini, backup-mini],
// streamed and not, with the exact result the client receives. The backup is always healthy.

#include <nlohmann/json.hpp>

#include <ostream>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

enum class Mode { NonStreamed, Streamed };

constexpr Mode kPlain = Mode::NonStreamed;
constexpr Mode kStream = Mode::Streamed;

struct FaultRow {
  /// The gtest name suffix.
  std::string name;
  Mode mode;
  Script primary;
  int status;
  std::string deployment;
  std::string attempts;
  bool backupCalled;
  /// The error `type` of a JSON error response, or empty when the client gets a 200.
  std::string errorType;
  /// Streams that end in 200: the text the client assembles from content deltas.
  std::string content;
  /// Streams that end in 200: whether the last event is an error event instead of [DONE].
  bool endsWithErrorEvent;
};

void PrintTo(const FaultRow& row, std::ostream* out) { *out << row.name; }

constexpr const char* kBackupText = "from backup";

Script healthyStream(const std::string& content) {
  return Script()
      .streamHeaders()
      .chunk(roleEvent())
      .chunk(contentEvent(content))
      .chunk(finishEvent())
      .chunk(doneEvent())
      .endChunked();
}

Script partialStream() {
  return Script().streamHeaders().chunk(roleEvent()).chunk(contentEvent("Hel")).chunk(
      contentEvent("lo"));
}

std::vector<FaultRow> faultRows() {
  const Script server500 = Script().status(500, {}, errorJson("internal error", "server_error"));
  const Script unavailable503 =
      Script().status(503, {{"Retry-After", "1"}}, errorJson("overloaded", "server_error"));
  const Script rateLimited429 =
      Script().status(429, {{"Retry-After", "1"}},
                      errorJson("Rate limit reached", "rate_limit_error", "rate_limit_exceeded"));
  const Script badRequest400 =
      Script().status(400, {},
                      errorJson("Invalid value for 'temperature'", "invalid_request_error",
                                "invalid_value", "temperature"));
  const Script unauthorized401 = Script().status(
      401, {}, errorJson("Incorrect API key provided", "invalid_request_error", "invalid_api_key"));
  const Script resetBeforeAnswer = Script().reset();
  // Longer than the primary's response_headers_ms and first_token_ms (300 ms): no status line.
  const Script stallBeforeAnswer = Script().stall();
  const Script notJson200 =
      Script().status(200, {{"Content-Type", "application/json"}}, "<html>upstream hiccup</html>");
  const Script inBandErrorFirst =
      Script()
          .streamHeaders()
          .chunk(sseData(errorJson("The server is overloaded", "server_error")))
          .endChunked();
  const Script resetAfterContent = partialStream().delay(milliseconds(50)).reset();
  // Longer than the primary's idle_ms (300 ms).
  const Script idleStallAfterContent = partialStream().stall();

  // clang-format off
  return {
    // name                           mode     primary                status deployment     attempts backup errorType                content      errorEvent
      {"Plain500",                    kPlain,  server500,             200,   "backup-mini", "2",     true,  "",                      "",          false},
      {"Stream500",                   kStream, server500,             200,   "backup-mini", "2",     true,  "",                      kBackupText, false},
      {"Plain503RetryAfter",          kPlain,  unavailable503,        200,   "backup-mini", "2",     true,  "",                      "",          false},
      {"Stream503RetryAfter",         kStream, unavailable503,        200,   "backup-mini", "2",     true,  "",                      kBackupText, false},
      {"Plain429RetryAfter",          kPlain,  rateLimited429,        200,   "backup-mini", "2",     true,  "",                      "",          false},
      {"Stream429RetryAfter",         kStream, rateLimited429,        200,   "backup-mini", "2",     true,  "",                      kBackupText, false},
      {"Plain400",                    kPlain,  badRequest400,         400,   "mini",        "1",     false, "invalid_request_error", "",          false},
      {"Stream400",                   kStream, badRequest400,         400,   "mini",        "1",     false, "invalid_request_error", "",          false},
      {"Plain401",                    kPlain,  unauthorized401,       200,   "backup-mini", "2",     true,  "",                      "",          false},
      {"Stream401",                   kStream, unauthorized401,       200,   "backup-mini", "2",     true,  "",                      kBackupText, false},
      {"PlainResetBeforeAnswer",      kPlain,  resetBeforeAnswer,     200,   "backup-mini", "2",     true,  "",                      "",          false},
      {"StreamResetBeforeAnswer",     kStream, resetBeforeAnswer,     200,   "backup-mini", "2",     true,  "",                      kBackupText, false},
      {"PlainStallBeforeAnswer",      kPlain,  stallBeforeAnswer,     200,   "backup-mini", "2",     true,  "",                      "",          false},
      {"StreamStallBeforeAnswer",     kStream, stallBeforeAnswer,     200,   "backup-mini", "2",     true,  "",                      kBackupText, false},
      {"PlainBodyNotJson",            kPlain,  notJson200,            200,   "backup-mini", "2",     true,  "",                      "",          false},
      {"StreamInBandErrorFirst",      kStream, inBandErrorFirst,      200,   "backup-mini", "2",     true,  "",                      kBackupText, false},
      {"StreamResetAfterContent",     kStream, resetAfterContent,     200,   "mini",        "1",     false, "",                      "Hello",     true},
      {"StreamIdleStallAfterContent", kStream, idleStallAfterContent, 200,   "mini",        "1",     false, "",                      "Hello",     true},
  };
  // clang-format on
}

bool isErrorEvent(const ReceivedEvent& event) {
  json data = json::parse(event.data, nullptr, false);
  return data.is_object() && data.contains("error") && data["error"].is_object();
}

class PrimaryFault : public GatewayTest, public ::testing::WithParamInterface<FaultRow> {
 protected:
  void SetUp() override {
    const FaultRow& row = GetParam();
    primary_.enqueue(row.primary);
    if (row.mode == Mode::Streamed) {
      backup_.setDefault(healthyStream(kBackupText));
    } else {
      backup_.setDefault(Script().status(200, {}, completionJson(kBackupText)));
    }
    // Small primary limits keep the stall rows short. The backup keeps the fixture's limits.
    startGateway(defaultConfig("api_key: \"${PRIMARY_KEY:-sk-test-CANARY-provider-7f3a9c}\", "
                               "timeouts: { connect_ms: 1000, response_headers_ms: 300, "
                               "first_token_ms: 300, idle_ms: 300 }")
                     .yaml());
  }

  void expectErrorBody(const FaultRow& row, const std::string& body) {
    json error = json::parse(body, nullptr, false);
    ASSERT_TRUE(error.is_object()) << body;
    EXPECT_EQ(error["error"]["type"], row.errorType) << body;
  }
};

TEST_P(PrimaryFault, ClientSeesTableResult) {
  const FaultRow& row = GetParam();

  if (row.mode == Mode::NonStreamed) {
    HttpResponse response = postChat(chatBody("smart"));

    EXPECT_EQ(response.status, row.status) << response.body;
    EXPECT_EQ(response.header("x-pointsman-deployment"), row.deployment);
    EXPECT_EQ(response.header("x-pointsman-attempts"), row.attempts);
    EXPECT_EQ(backup_.requestCount(), row.backupCalled ? 1u : 0u);
    if (row.status == 200) {
      EXPECT_EQ(response.json()["choices"][0]["message"]["content"], kBackupText) << response.body;
    } else {
      expectErrorBody(row, response.body);
    }
    return;
  }

  auto stream = openStream(chatBody("smart", true));
  ASSERT_TRUE(stream->waitForHead(kWait));
  EXPECT_EQ(stream->status(), row.status);
  EXPECT_EQ(stream->head().header("x-pointsman-deployment"), row.deployment);
  EXPECT_EQ(stream->head().header("x-pointsman-attempts"), row.attempts);
  if (row.status != 200) {
    std::string body = stream->readBody(kWait);
    EXPECT_EQ(stream->head().header("content-type").rfind("application/json", 0), 0u);
    expectErrorBody(row, body);
    EXPECT_EQ(backup_.requestCount(), row.backupCalled ? 1u : 0u);
    return;
  }

  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  EXPECT_TRUE(stream->ended());
  EXPECT_EQ(backup_.requestCount(), row.backupCalled ? 1u : 0u);
  EXPECT_EQ(assembleContent(events), row.content);
  EXPECT_EQ(countRoleChunks(events), 1u) << stream->rawBody();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(isErrorEvent(events.back()), row.endsWithErrorEvent) << events.back().data;
  if (!row.endsWithErrorEvent) {
    EXPECT_EQ(events.back().data, "[DONE]");
  }
  EXPECT_EQ(stream->rawBody().find(kBackupText) != std::string::npos, row.backupCalled)
      << stream->rawBody();
}

INSTANTIATE_TEST_SUITE_P(FaultMatrix, PrimaryFault, ::testing::ValuesIn(faultRows()),
                         [](const ::testing::TestParamInfo<FaultRow>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace pointsman::test
