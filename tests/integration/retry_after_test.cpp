// Upstream rate-limit hints (`retry-after`, `retry-after-ms`): waiting and retrying when the hint
// fits, relaying it as a bare `Retry-After` in whole seconds when it does not, and counting down
// the cool-down of a route whose every deployment is rate limited.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <ostream>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

Script rateLimited(const std::string& hintHeader, const std::string& hintValue) {
  return Script().status(
      429, {{hintHeader, hintValue}},
      errorJson("Rate limit reached for requests", "rate_limit_error", "rate_limit_exceeded"));
}

bool isWholeSeconds(const std::string& value) {
  return !value.empty() && std::all_of(value.begin(), value.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  });
}

class RetryAfter : public GatewayTest {
 protected:
  void startWith(const std::string& resilienceYaml) {
    auto config = defaultConfig();
    config.rawBlock(resilienceYaml);
    startGateway(config.yaml());
  }
};

TEST_F(RetryAfter, FittingHintRetriesSameDeployment) {
  primary_.enqueue(rateLimited("retry-after", "1"));
  startWith("resilience: { retry: { max_attempts_per_deployment: 2, max_retry_after_ms: 5000 } }\n");

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(response.header("x-pointsman-attempts"), "2");
  ASSERT_EQ(primary_.requestCount(), 2u);
  const auto requests = primary_.requests();
  const auto gap = std::chrono::duration_cast<milliseconds>(requests[1].time - requests[0].time);
  EXPECT_GE(gap.count(), 1000);
  EXPECT_LT(gap.count(), 3000);
}

// The client's deadline (500 ms) is shorter than the hint, so waiting cannot help.
TEST_F(RetryAfter, HintBeyondDeadlineIsRelayedAtOnce) {
  primary_.enqueue(rateLimited("retry-after", "1"));
  startWith("resilience: { retry: { max_attempts_per_deployment: 2, max_retry_after_ms: 5000 } }\n");

  const auto started = steady_clock::now();
  HttpResponse response = postChat(chatBody("mini"), {{"x-pointsman-timeout-ms", "500"}});
  const auto elapsed = std::chrono::duration_cast<milliseconds>(steady_clock::now() - started);

  ASSERT_EQ(response.status, 429) << response.body;
  EXPECT_EQ(response.header("retry-after"), "1");
  EXPECT_EQ(response.json()["error"]["type"], "rate_limit_error") << response.body;
  EXPECT_LT(elapsed.count(), 900);
  EXPECT_EQ(primary_.requestCount(), 1u);
}

// A rate-limited deployment stays cooling down for the upstream's hint: the next request gets
// a 429 without an upstream call.
TEST_F(RetryAfter, CooldownFollowsUpstreamHint) {
  primary_.enqueue(rateLimited("retry-after", "1"));
  startWith("resilience: { retry: { max_attempts_per_deployment: 2, max_retry_after_ms: 500 } }\n");

  HttpResponse first = postChat(chatBody("mini"));
  HttpResponse second = postChat(chatBody("mini"));

  EXPECT_EQ(first.status, 429) << first.body;
  ASSERT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(second.header("retry-after"), "1");
  EXPECT_EQ(second.json()["error"]["type"], "rate_limit_error") << second.body;
  EXPECT_EQ(primary_.requestCount(), 1u);
}

struct HintRow {
  /// The gtest name suffix.
  std::string name;
  std::string header;
  std::string value;
  /// The `Retry-After` the client must get: whole seconds, rounded up, at least 1.
  std::string expected;
  /// Expected upstream calls: a hint within max_retry_after_ms (500 ms) gets one retry.
  std::size_t upstreamCalls;
};

void PrintTo(const HintRow& row, std::ostream* out) {
  *out << row.header << ": " << row.value << " -> " << row.expected;
}

class UpstreamHint : public RetryAfter, public ::testing::WithParamInterface<HintRow> {};

// The upstream returns 429 with the row's hint to every request.
TEST_P(UpstreamHint, RelayedHintIsWholeSeconds) {
  const HintRow& row = GetParam();
  primary_.setDefault(rateLimited(row.header, row.value));
  startWith("resilience: { retry: { max_attempts_per_deployment: 2, max_retry_after_ms: 500 } }\n");

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 429) << response.body;
  EXPECT_TRUE(response.hasHeader("retry-after"));
  EXPECT_TRUE(isWholeSeconds(response.header("retry-after"))) << response.header("retry-after");
  EXPECT_EQ(response.header("retry-after"), row.expected);
  json error = response.json();
  ASSERT_TRUE(error.is_object()) << response.body;
  EXPECT_EQ(error["error"]["type"], "rate_limit_error") << response.body;
  EXPECT_EQ(primary_.requestCount(), row.upstreamCalls);
}

INSTANTIATE_TEST_SUITE_P(
    RetryAfter, UpstreamHint,
    ::testing::Values(HintRow{"Seconds", "retry-after", "1", "1", 1},
                      HintRow{"Milliseconds", "retry-after-ms", "1500", "2", 1},
                      HintRow{"FractionalSeconds", "retry-after", "1.5", "2", 1},
                      HintRow{"ZeroSeconds", "retry-after", "0", "1", 2},
                      HintRow{"ZeroMilliseconds", "retry-after-ms", "0", "1", 2}),
    [](const ::testing::TestParamInfo<HintRow>& info) { return info.param.name; });

// An HTTP-date hint must reach the client as the seconds left until that date.
TEST_F(RetryAfter, HttpDateHintBecomesSeconds) {
  const std::time_t inTenSeconds = std::time(nullptr) + 10;
  std::tm utc{};
  gmtime_r(&inTenSeconds, &utc);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  primary_.setDefault(rateLimited("retry-after", date));
  startWith("resilience: { retry: { max_attempts_per_deployment: 2, max_retry_after_ms: 500 } }\n");

  HttpResponse response = postChat(chatBody("mini"));

  ASSERT_EQ(response.status, 429) << response.body;
  const std::string retryAfter = response.header("retry-after");
  ASSERT_TRUE(isWholeSeconds(retryAfter)) << retryAfter;
  EXPECT_GE(std::stoi(retryAfter), 1);
  EXPECT_LE(std::stoi(retryAfter), 11);
  EXPECT_EQ(primary_.requestCount(), 1u);
}

// A third upstream whose scripted delay lets time pass between two requests without the test
// sleeping.
class RetryAfterCountdown : public RetryAfter {
 protected:
  void TearDown() override {
    pacer_.stop();
    RetryAfter::TearDown();
  }

  void startWithPacer() {
    auto config = defaultConfig();
    config.provider("pacer", pacer_.baseUrl())
        .deployment("pacer-mini", "pacer", "pacer-model");
    startGateway(config.yaml());
  }

  /// Sends a request that the pacer responds to after `duration`.
  void letTimePass(milliseconds duration) {
    pacer_.enqueue(Script().delay(duration).status(200, {}, completionJson("paced")));
    ASSERT_EQ(postChat(chatBody("pacer-mini")).status, 200);
  }

  MockUpstream pacer_;
};

TEST_F(RetryAfterCountdown, RetryAfterCountsDownToUpstreamCall) {
  primary_.enqueue(rateLimited("retry-after", "2"));
  backup_.enqueue(rateLimited("retry-after", "2"));
  startWithPacer();

  HttpResponse first = postChat(chatBody("smart"));
  HttpResponse second = postChat(chatBody("smart"));
  letTimePass(milliseconds(1200));
  HttpResponse third = postChat(chatBody("smart"));
  const std::size_t primaryCallsWhileCooling = primary_.requestCount();
  const std::size_t backupCallsWhileCooling = backup_.requestCount();
  letTimePass(milliseconds(1300));
  HttpResponse fourth = postChat(chatBody("smart"));

  EXPECT_EQ(first.status, 429) << first.body;
  EXPECT_EQ(first.header("retry-after"), "2");
  ASSERT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(second.header("retry-after"), "2");
  EXPECT_EQ(second.json()["error"]["type"], "rate_limit_error") << second.body;
  ASSERT_EQ(third.status, 429) << third.body;
  EXPECT_EQ(third.header("retry-after"), "1");
  EXPECT_EQ(primaryCallsWhileCooling, 1u);
  EXPECT_EQ(backupCallsWhileCooling, 1u);
  // The cool-down is over: the next request reaches the primary again.
  ASSERT_EQ(fourth.status, 200) << fourth.body;
  EXPECT_EQ(fourth.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(primary_.requestCount(), 2u);
}

}  // namespace
}  // namespace pointsman::test
