#include <pointsman/api/usage.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::api {
namespace {

std::int64_t integerAt(const nlohmann::json& object, const char* key) {
  const auto value = object.find(key);
  return value != object.end() && value->is_number() ? value->get<std::int64_t>() : 0;
}

/// End of the JSON object that starts at `start` (which holds '{'), or npos.
std::size_t objectEnd(std::string_view text, std::size_t start) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

Usage usageFromObject(const nlohmann::json& usage) {
  Usage result;
  result.prompt_tokens = integerAt(usage, "prompt_tokens");
  result.completion_tokens = integerAt(usage, "completion_tokens");
  if (const auto details = usage.find("prompt_tokens_details"); details != usage.end() && details->is_object()) {
    result.cached_prompt_tokens = integerAt(*details, "cached_tokens");
  }
  if (const auto details = usage.find("completion_tokens_details"); details != usage.end() && details->is_object()) {
    result.reasoning_tokens = integerAt(*details, "reasoning_tokens");
  }
  return result;
}

}  // namespace

std::optional<Usage> usageFromResponseText(std::string_view body) {
  // Inside a JSON string every quote is escaped, so an unescaped `"usage"` followed by ':' is a key.
  constexpr std::string_view kKey = "\"usage\"";
  for (auto position = body.rfind(kKey); position != std::string_view::npos;
       position = position == 0 ? std::string_view::npos : body.rfind(kKey, position - 1)) {
    std::size_t value = position + kKey.size();
    while (value < body.size() && (body[value] == ' ' || body[value] == '\n' || body[value] == '\r' || body[value] == '\t')) ++value;
    if (value >= body.size() || body[value] != ':') continue;
    ++value;
    while (value < body.size() && (body[value] == ' ' || body[value] == '\n' || body[value] == '\r' || body[value] == '\t')) ++value;
    if (value >= body.size() || body[value] != '{') return std::nullopt;

    const auto end = objectEnd(body, value);
    if (end == std::string_view::npos) return std::nullopt;
    const auto usage = nlohmann::json::parse(body.substr(value, end - value), nullptr, false);
    if (usage.is_discarded() || !usage.is_object()) return std::nullopt;
    return usageFromObject(usage);
  }
  return std::nullopt;
}

std::optional<Usage> usageFromResponse(const nlohmann::json& body) {
  if (!body.is_object()) return std::nullopt;
  const auto usage = body.find("usage");
  if (usage == body.end() || !usage->is_object()) return std::nullopt;

  return usageFromObject(*usage);
}

}  // namespace pointsman::api
