#include <pointsman/api/usage.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::api {
namespace {

std::int64_t integerAt(const nlohmann::json& object, const char* key) {
  const auto value = object.find(key);
  return value != object.end() && value->is_number() ? value->get<std::int64_t>() : 0;
}

}  // namespace

std::optional<Usage> usageFromResponse(const nlohmann::json& body) {
  if (!body.is_object()) return std::nullopt;
  const auto usage = body.find("usage");
  if (usage == body.end() || !usage->is_object()) return std::nullopt;

  Usage result;
  result.prompt_tokens = integerAt(*usage, "prompt_tokens");
  result.completion_tokens = integerAt(*usage, "completion_tokens");
  if (const auto details = usage->find("prompt_tokens_details"); details != usage->end() && details->is_object()) {
    result.cached_prompt_tokens = integerAt(*details, "cached_tokens");
  }
  if (const auto details = usage->find("completion_tokens_details");
      details != usage->end() && details->is_object()) {
    result.reasoning_tokens = integerAt(*details, "reasoning_tokens");
  }
  return result;
}

}  // namespace pointsman::api
