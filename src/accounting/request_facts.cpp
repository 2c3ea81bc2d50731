#include <pointsman/accounting/request_facts.hpp>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace pointsman::accounting {
namespace {

simdjson::dom::parser& threadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

std::optional<std::int64_t> positiveInteger(simdjson::dom::object fields, const char* key) {
  std::int64_t value = 0;
  if (fields[key].get_int64().get(value) || value < 1) return std::nullopt;
  return value;
}

}  // namespace

RequestFacts readRequestFacts(std::string_view body) {
  RequestFacts facts;
  facts.estimated_prompt_tokens = static_cast<std::int64_t>((body.size() + 3) / 4);
  simdjson::dom::object fields;
  if (threadParser().parse(body.data(), body.size()).get_object().get(fields)) return facts;

  facts.max_output_tokens = positiveInteger(fields, "max_completion_tokens");
  if (!facts.max_output_tokens) facts.max_output_tokens = positiveInteger(fields, "max_tokens");

  simdjson::dom::object options;
  if (!fields["stream_options"].get_object().get(options)) {
    facts.has_stream_options = true;
    bool include = false;
    facts.include_usage = !options["include_usage"].get_bool().get(include) && include;
  }
  std::string_view user;
  if (!fields["user"].get_string().get(user)) facts.user = std::string(user);
  return facts;
}

std::string withIncludeUsage(std::string_view body, const RequestFacts& facts) {
  // The common case needs no parse: the body is an object, so a member can go first.
  if (!facts.has_stream_options) {
    const auto open = body.find('{');
    if (open == std::string_view::npos) return std::string(body);
    std::string result;
    result.reserve(body.size() + 48);
    result.append(body.substr(0, open + 1));
    result.append(R"("stream_options":{"include_usage":true},)");
    const auto rest = body.substr(open + 1);
    // An empty object would be left with a trailing comma.
    if (rest.find_first_not_of(" \t\r\n") != std::string_view::npos && rest[rest.find_first_not_of(" \t\r\n")] == '}') {
      result.pop_back();
    }
    result.append(rest);
    return result;
  }
  // The client sent other stream options: rewrite them in a parsed copy.
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed["stream_options"].is_object()) return std::string(body);
  parsed["stream_options"]["include_usage"] = true;
  return parsed.dump();
}

}  // namespace pointsman::accounting
