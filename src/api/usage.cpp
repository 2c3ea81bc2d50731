#include <pointsman/api/usage.hpp>

#include "api/thread_json_parser.hpp"

#include <nlohmann/json.hpp>

namespace pointsman::api {
namespace {

std::int64_t integerAt(const nlohmann::json& object, const char* key) {
  const auto value = object.find(key);
  return value != object.end() && value->is_number() ? value->get<std::int64_t>() : 0;
}

Usage usageFromObject(const nlohmann::json& usage) {
  Usage result;
  result.prompt_tokens = integerAt(usage, "prompt_tokens");
  result.completion_tokens = integerAt(usage, "completion_tokens");
  if (const auto details = usage.find("prompt_tokens_details"); details != usage.end() && details->is_object()) {
    result.cached_prompt_tokens = integerAt(*details, "cached_tokens");
    result.cache_write_tokens = integerAt(*details, "cache_write_tokens");
  }
  if (const auto details = usage.find("completion_tokens_details"); details != usage.end() && details->is_object()) {
    result.reasoning_tokens = integerAt(*details, "reasoning_tokens");
  }
  return result;
}

}  // namespace

ResponseBodyInfo inspectResponseBody(std::string_view body) {
  ResponseBodyInfo info;
  simdjson::dom::element document;
  if (threadJsonParser().parse(body.data(), body.size()).get(document)) return info;
  info.valid_json = true;

  simdjson::dom::object usage;
  if (document["usage"].get_object().get(usage)) return info;
  // Some servers write counts as 10.0; they are read like integers, as the nlohmann path does.
  const auto count = [](simdjson::dom::object object, const char* key) {
    int64_t value = 0;
    if (!object[key].get_int64().get(value)) return value;
    double fractional = 0;
    return object[key].get_double().get(fractional) ? int64_t{0} : static_cast<int64_t>(fractional);
  };

  Usage result;
  result.prompt_tokens = count(usage, "prompt_tokens");
  result.completion_tokens = count(usage, "completion_tokens");
  simdjson::dom::object details;
  if (!usage["prompt_tokens_details"].get_object().get(details)) {
    result.cached_prompt_tokens = count(details, "cached_tokens");
    result.cache_write_tokens = count(details, "cache_write_tokens");
  }
  if (!usage["completion_tokens_details"].get_object().get(details)) {
    result.reasoning_tokens = count(details, "reasoning_tokens");
  }
  info.usage = result;
  return info;
}

std::optional<Usage> usageFromResponse(const nlohmann::json& body) {
  if (!body.is_object()) return std::nullopt;
  const auto usage = body.find("usage");
  if (usage == body.end() || !usage->is_object()) return std::nullopt;

  return usageFromObject(*usage);
}

}  // namespace pointsman::api
