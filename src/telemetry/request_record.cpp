#include <pointsman/telemetry/request_record.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pointsman::telemetry {
namespace {

std::string orDash(const std::string& value) { return value.empty() ? "-" : value; }

}  // namespace

std::string formatAccessLine(const RequestRecord& record) {
  std::string line = fmt::format("req={} endpoint={} model={} route={} policy={} deployment={} attempts={} status={} "
                                 "stream={} flags={} total_ms={:.1f} overhead_us={:.0f}",
                                 record.request_id, record.endpoint, orDash(record.requested_model), orDash(record.route),
                                 orDash(record.policy), orDash(record.deployment), record.attempts, record.status,
                                 record.stream ? 1 : 0, orDash(record.flags), record.total_ms, record.overhead_us);
  if (record.time_to_first_token_ms >= 0) line += fmt::format(" ttft_ms={:.1f}", record.time_to_first_token_ms);
  if (record.prompt_tokens >= 0) {
    line += fmt::format(" in_tok={} out_tok={}", record.prompt_tokens, record.completion_tokens);
  }
  if (!record.upstream_request_id.empty()) line += " upstream_req=" + record.upstream_request_id;
  return line;
}

std::string formatRequestLogJson(const RequestRecord& record) {
  nlohmann::json json = {{"request_id", record.request_id},
                         {"endpoint", record.endpoint},
                         {"requested_model", record.requested_model},
                         {"route", record.route},
                         {"policy", record.policy},
                         {"deployment", record.deployment},
                         {"decision", record.decision},
                         {"status", record.status},
                         {"attempts", record.attempts},
                         {"stream", record.stream},
                         {"flags", record.flags},
                         {"total_ms", record.total_ms},
                         {"overhead_us", record.overhead_us},
                         {"upstream_request_id", record.upstream_request_id}};
  if (record.time_to_first_token_ms >= 0) json["ttft_ms"] = record.time_to_first_token_ms;
  if (record.prompt_tokens >= 0) {
    json["prompt_tokens"] = record.prompt_tokens;
    json["completion_tokens"] = record.completion_tokens;
    json["cached_prompt_tokens"] = record.cached_prompt_tokens;
  }
  if (!record.error.empty()) json["error"] = record.error;
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pointsman::telemetry
