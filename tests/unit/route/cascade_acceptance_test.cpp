#include <pointsman/route/cascade_acceptance.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pointsman::route {
namespace {

std::string completion(const nlohmann::json& content, const std::string& finish_reason = "stop") {
  return nlohmann::json{{"choices", {{{"index", 0},
                                      {"message", {{"role", "assistant"}, {"content", content}}},
                                      {"finish_reason", finish_reason}}}}}
      .dump();
}

TEST(CascadeAcceptance, PlainGoodAnswerIsAccepted) {
  EXPECT_FALSE(rejectReason({}, {}, completion("Paris."), "mini").has_value());
}

TEST(CascadeAcceptance, EachCheckNamesItsReason) {
  EXPECT_EQ(rejectReason({}, {}, completion("  \n"), "mini"), "empty answer");
  EXPECT_EQ(rejectReason({}, {}, completion("cut", "length"), "mini"), "finish_reason=length");
  EXPECT_EQ(rejectReason({}, {}, completion("I\xE2\x80\x99m sorry, but I can't do that."), "mini"), "refusal");
  AcceptanceContext json_mode;
  json_mode.json_mode = true;
  EXPECT_EQ(rejectReason({}, json_mode, completion("{oops"), "mini"), "answer is not valid JSON in JSON mode");
  EXPECT_FALSE(rejectReason({}, json_mode, completion("{\"a\": 1}"), "mini").has_value());
  EXPECT_EQ(rejectReason({}, {}, "not json", "mini"), "answer is not JSON");
}

TEST(CascadeAcceptance, DisabledChecksLetTheAnswerThrough) {
  config::CascadeChecksConfig lenient;
  lenient.finish_reason_stop = false;
  lenient.not_refusal = false;
  EXPECT_FALSE(rejectReason(lenient, {}, completion("I cannot help with that", "length"), "mini").has_value());
}

TEST(CascadeAcceptance, MinScoreWithoutAScorerRejects) {
  config::CascadeChecksConfig scored;
  scored.min_score = 0.5;
  EXPECT_EQ(rejectReason(scored, {}, completion("fine"), "mini"), "no answer scorer loaded for min_score");
}

TEST(CascadeAcceptance, QuotedRefusalDeepInALongAnswerIsNoRefusal) {
  const std::string answer = std::string(300, 'x') + " I can't help it, this is great.";
  EXPECT_FALSE(looksLikeRefusal(answer));
  EXPECT_TRUE(looksLikeRefusal("As an AI language model, I cannot"));
}

}  // namespace
}  // namespace pointsman::route
