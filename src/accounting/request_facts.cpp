#include <pointsman/accounting/request_facts.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::accounting {

RequestFacts factsOf(const api::RequestView& view, std::size_t body_bytes) {
  RequestFacts facts;
  facts.max_output_tokens = view.max_output_tokens;
  facts.has_stream_options = view.has_stream_options;
  facts.include_usage = view.include_usage;
  facts.user = view.user;
  facts.estimated_prompt_tokens = static_cast<std::int64_t>((body_bytes + 3) / 4);
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
