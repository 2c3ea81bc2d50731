// Cascades: the cheap deployment answers first and its answer is returned only when it passes
// the route's checks; streamed and not.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

std::string completionWithFinish(const std::string& content, const std::string& finish_reason) {
  auto body = json::parse(completionJson(content));
  body["choices"][0]["finish_reason"] = finish_reason;
  return body.dump();
}

class Cascade : public GatewayTest {
 protected:
  void startCascade(const std::string& accept = "{}") {
    auto config = defaultConfig();
    config.routeEntry("frugal", "cascade: { use: [mini, backup-mini], accept: " + accept + " }");
    startGateway(config.yaml());
  }

  /// A cascade that accepts an answer only when the shipped answer scorer rates it 0.3 or more.
  void startScoredCascade() {
    auto config = defaultConfig();
    config.routeEntry("frugal", "cascade: { use: [mini, backup-mini], accept: { min_score: 0.3 } }");
    const std::string analyzers =
        "analyzers:\n  answer_scorer: " + std::string(POINTSMAN_SOURCE_DIR) + "/models/answer-scorer.json\n";
    startGateway(analyzers + config.yaml());
  }
};

/// A math question that asks for a boxed answer. For the upstream model id of `mini`, the shipped
/// scorer rates the boxed answer 0.46 and the hedged one without the box 0.12.
std::string boxedQuestion(bool stream = false) {
  json body = {{"model", "frugal"},
               {"messages", {{{"role", "user"}, {"content", "What is 17 * 3? Put the final answer in \\boxed{}."}}}}};
  if (stream) body["stream"] = true;
  return body.dump();
}
constexpr const char* kBoxedAnswer = "17 * 3 = 51, so the answer is \\boxed{51}.";
constexpr const char* kHedgedAnswer = "Hmm, maybe it is around 50, but I am not sure and it might be";

TEST_F(Cascade, AcceptsTheCheapAnswerThatPassesTheChecks) {
  primary_.enqueue(Script().status(200, {}, completionJson("cheap and fine")));
  startCascade();

  const auto response = postChat(chatBody("frugal"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(response.header("x-pointsman-cascade"), "mini:accepted");
  EXPECT_EQ(json::parse(response.body)["choices"][0]["message"]["content"], "cheap and fine");
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Cascade, EscalatesWhenTheCheapAnswerIsCutShort) {
  primary_.enqueue(Script().status(200, {}, completionWithFinish("half an ans", "length")));
  backup_.enqueue(Script().status(200, {}, completionJson("the full answer", "backup-model")));
  startCascade();

  const auto response = postChat(chatBody("frugal"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(response.header("x-pointsman-cascade"), "mini:rejected(finish_reason=length) backup-mini:answered");
  EXPECT_EQ(json::parse(response.body)["choices"][0]["message"]["content"], "the full answer");
}

TEST_F(Cascade, EscalatesOnARefusal) {
  primary_.enqueue(Script().status(200, {}, completionJson("I'm sorry, but I can't help with that.")));
  startCascade();

  const auto response = postChat(chatBody("frugal"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(backup_.requestCount(), 1u);
}

TEST_F(Cascade, StreamedRequestGetsTheAcceptedAnswerAsEvents) {
  primary_.enqueue(Script().status(200, {}, completionJson("held then streamed")));
  startCascade();

  auto stream = openStream(chatBody("frugal", true));
  const auto events = stream->readAll(milliseconds(5000));

  ASSERT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->head().header("x-pointsman-cascade"), "mini:accepted");
  // The cheap step is asked for a whole answer, so it can be checked before anything is sent.
  ASSERT_EQ(primary_.requestCount(), 1u);
  EXPECT_EQ(json::parse(primary_.requests()[0].body)["stream"], false);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(json::parse(events[0].data)["choices"][0]["delta"]["content"], "held then streamed");
  EXPECT_EQ(json::parse(events[1].data)["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(events.back().data, "[DONE]");
}

TEST_F(Cascade, StreamedRequestEscalatesToALiveStream) {
  primary_.enqueue(Script().status(200, {}, completionWithFinish("", "stop")));
  backup_.enqueue(Script().streamHeaders().chunk(roleEvent()).chunk(contentEvent("live")).chunk(finishEvent())
                      .chunk(doneEvent()).endChunked());
  startCascade();

  auto stream = openStream(chatBody("frugal", true));
  const auto events = stream->readAll(milliseconds(5000));

  ASSERT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->head().header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(stream->head().header("x-pointsman-cascade"), "mini:rejected(empty answer) backup-mini:answered");
  EXPECT_EQ(json::parse(backup_.requests()[0].body)["stream"], true);
  std::string text;
  for (const auto& event : events) text += event.data;
  EXPECT_NE(text.find("live"), std::string::npos);
}

TEST_F(Cascade, LastStepFailingReturnsTheRejectedAnswerRatherThanAnError) {
  primary_.enqueue(Script().status(200, {}, completionWithFinish("partial", "length")));
  backup_.enqueue(Script().status(500, {}, errorJson("down", "server_error")));
  startCascade();

  const auto response = postChat(chatBody("frugal"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::parse(response.body)["choices"][0]["message"]["content"], "partial");
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
}

TEST_F(Cascade, JsonModeRejectsAnswerThatIsNotJson) {
  primary_.enqueue(Script().status(200, {}, completionJson("not json")));
  backup_.enqueue(Script().status(200, {}, completionJson("{\"ok\": true}", "backup-model")));
  startCascade();
  auto body = json::parse(chatBody("frugal"));
  body["response_format"] = {{"type", "json_object"}};

  const auto response = postChat(body.dump());

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
}

TEST_F(Cascade, VerifierLowGradeEscalates) {
  primary_.enqueue(Script().status(200, {}, completionJson("a plausible but wrong answer")));
  // The verifier is a deployment at the backup provider: it grades first, then the strong step answers.
  backup_.enqueue(Script().status(200, {}, completionJson("3", "grader")));
  backup_.enqueue(Script().status(200, {}, completionJson("the right answer", "backup-model")));
  auto config = defaultConfig();
  config.deployment("grader", "backup", "grader")
      .routeEntry("frugal", "cascade: { use: [mini, backup-mini], accept: { verifier: { deployment: grader, min_score: 0.7 } } }");
  startGateway(config.yaml());

  const auto response = postChat(chatBody("frugal"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-cascade"), "mini:rejected(verifier=3/10) backup-mini:answered");
  EXPECT_EQ(json::parse(response.body)["choices"][0]["message"]["content"], "the right answer");
  ASSERT_EQ(backup_.requestCount(), 2u);
  EXPECT_NE(backup_.requests()[0].body.find("a plausible but wrong answer"), std::string::npos);
}

TEST_F(Cascade, VerifierHighGradeAccepts) {
  primary_.enqueue(Script().status(200, {}, completionJson("good")));
  backup_.enqueue(Script().status(200, {}, completionJson("9", "grader")));
  auto config = defaultConfig();
  config.deployment("grader", "backup", "grader")
      .routeEntry("frugal", "cascade: { use: [mini, backup-mini], accept: { verifier: { deployment: grader, min_score: 0.7 } } }");
  startGateway(config.yaml());

  const auto response = postChat(chatBody("frugal"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(backup_.requestCount(), 1u);
}

TEST_F(Cascade, MinScoreAcceptsAnswerTheScorerRatesHigh) {
  primary_.enqueue(Script().status(200, {}, completionJson(kBoxedAnswer)));
  startScoredCascade();

  const auto response = postChat(boxedQuestion());

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(response.header("x-pointsman-cascade"), "mini:accepted");
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Cascade, MinScoreEscalatesAnswerTheScorerRatesLow) {
  primary_.enqueue(Script().status(200, {}, completionJson(kHedgedAnswer)));
  backup_.enqueue(Script().status(200, {}, completionJson(kBoxedAnswer, "backup-model")));
  startScoredCascade();

  const auto response = postChat(boxedQuestion());

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-pointsman-deployment"), "backup-mini");
  const std::string trace = response.header("x-pointsman-cascade");
  EXPECT_EQ(trace.rfind("mini:rejected(score=", 0), 0u) << trace;
  EXPECT_NE(trace.find("<0.30) backup-mini:answered"), std::string::npos) << trace;
  EXPECT_EQ(backup_.requestCount(), 1u);
}

TEST_F(Cascade, StreamedMinScoreAcceptsAnswerTheScorerRatesHigh) {
  primary_.enqueue(Script().status(200, {}, completionJson(kBoxedAnswer)));
  startScoredCascade();

  auto stream = openStream(boxedQuestion(true));
  const auto events = stream->readAll(milliseconds(5000));

  ASSERT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->head().header("x-pointsman-deployment"), "mini");
  EXPECT_EQ(stream->head().header("x-pointsman-cascade"), "mini:accepted");
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(json::parse(events[0].data)["choices"][0]["delta"]["content"], kBoxedAnswer);
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Cascade, StreamedMinScoreEscalatesToALiveStream) {
  primary_.enqueue(Script().status(200, {}, completionJson(kHedgedAnswer)));
  backup_.enqueue(Script().streamHeaders().chunk(roleEvent()).chunk(contentEvent("\\boxed{51}")).chunk(finishEvent())
                      .chunk(doneEvent()).endChunked());
  startScoredCascade();

  auto stream = openStream(boxedQuestion(true));
  const auto events = stream->readAll(milliseconds(5000));

  ASSERT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->head().header("x-pointsman-deployment"), "backup-mini");
  EXPECT_EQ(stream->head().header("x-pointsman-cascade").rfind("mini:rejected(score=", 0), 0u)
      << stream->head().header("x-pointsman-cascade");
  ASSERT_EQ(backup_.requestCount(), 1u);
  EXPECT_EQ(json::parse(backup_.requests()[0].body)["stream"], true);
  std::string text;
  for (const auto& event : events) text += event.data;
  EXPECT_NE(text.find("boxed{51}"), std::string::npos);
}

}  // namespace
}  // namespace pointsman::test
