#include <pointsman/telemetry/request_record.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pointsman::telemetry {
namespace {

RequestRecord sampleRecord() {
  RequestRecord record;
  record.request_id = "req-1";
  record.endpoint = "chat_completions";
  record.requested_model = "fast";
  record.route = "fast";
  record.policy = "use";
  record.deployment = "mini";
  record.status = 200;
  record.attempts = 2;
  record.stream = true;
  record.flags = "UF";
  record.total_ms = 12.5;
  record.overhead_us = 80;
  record.time_to_first_token_ms = 7.25;
  record.prompt_tokens = 9;
  record.completion_tokens = 4;
  return record;
}

TEST(RequestLogJson, CarriesEveryField) {
  const auto json = nlohmann::json::parse(formatRequestLogJson(sampleRecord()));

  EXPECT_EQ(json["request_id"], "req-1");
  EXPECT_EQ(json["requested_model"], "fast");
  EXPECT_EQ(json["deployment"], "mini");
  EXPECT_EQ(json["status"], 200);
  EXPECT_EQ(json["attempts"], 2);
  EXPECT_EQ(json["stream"], true);
  EXPECT_EQ(json["flags"], "UF");
  EXPECT_DOUBLE_EQ(json["total_ms"].get<double>(), 12.5);
  EXPECT_DOUBLE_EQ(json["ttft_ms"].get<double>(), 7.25);
  EXPECT_EQ(json["prompt_tokens"], 9);
  EXPECT_EQ(json["completion_tokens"], 4);
  EXPECT_FALSE(json.contains("error"));
}

TEST(RequestLogJson, EscapesClientText) {
  auto record = sampleRecord();
  record.requested_model = "a\"b\\c\nd\x01" "e";
  record.error = "tab\there";

  const auto json = nlohmann::json::parse(formatRequestLogJson(record));

  EXPECT_EQ(json["requested_model"], "a\"b\\c\nd\x01" "e");
  EXPECT_EQ(json["error"], "tab\there");
}

TEST(RequestLogJson, LeavesOutUnknownUsage) {
  auto record = sampleRecord();
  record.prompt_tokens = -1;
  record.time_to_first_token_ms = -1;

  const auto json = nlohmann::json::parse(formatRequestLogJson(record));

  EXPECT_FALSE(json.contains("prompt_tokens"));
  EXPECT_FALSE(json.contains("ttft_ms"));
}

TEST(AccessLine, NamesRouteDeploymentAndFlags) {
  const auto line = formatAccessLine(sampleRecord());

  EXPECT_NE(line.find("req=req-1 "), std::string::npos) << line;
  EXPECT_NE(line.find(" route=fast "), std::string::npos) << line;
  EXPECT_NE(line.find(" deployment=mini "), std::string::npos) << line;
  EXPECT_NE(line.find(" attempts=2 "), std::string::npos) << line;
  EXPECT_NE(line.find(" flags=UF "), std::string::npos) << line;
  EXPECT_NE(line.find(" in_tok=9 out_tok=4"), std::string::npos) << line;
}

TEST(AccessLine, RoundsDurationsAndCost) {
  auto record = sampleRecord();
  record.total_ms = 12.34;
  record.overhead_us = 56.7;
  record.time_to_first_token_ms = 0.04;
  record.cost_usd = 0.0001234;

  const auto line = formatAccessLine(record);

  EXPECT_NE(line.find(" total_ms=12.3 "), std::string::npos) << line;
  EXPECT_NE(line.find(" overhead_us=57"), std::string::npos) << line;
  EXPECT_NE(line.find(" ttft_ms=0.0"), std::string::npos) << line;
  EXPECT_NE(line.find(" cost_usd=0.000123"), std::string::npos) << line;
}

TEST(AccessLine, LargeCostKeepsSixDecimals) {
  auto record = sampleRecord();
  record.cost_usd = 1234.5;

  EXPECT_NE(formatAccessLine(record).find(" cost_usd=1234.500000"), std::string::npos);
}

}  // namespace
}  // namespace pointsman::telemetry
