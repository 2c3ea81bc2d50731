#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace pointsman::api {

/// Token counts of one answer as the OpenAI `usage` object reports them.
struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cached_prompt_tokens = 0;
  /// `prompt_tokens_details.cache_write_tokens`: prompt tokens written to the provider's prompt
  /// cache (Anthropic's `cache_creation_input_tokens`, which the translation reports there).
  std::int64_t cache_write_tokens = 0;
  std::int64_t reasoning_tokens = 0;
};

/// Reads `usage` from a response body or a stream chunk; nothing when absent or null.
std::optional<Usage> usageFromResponse(const nlohmann::json& body);

/// What the relay needs from a non-streamed answer's body.
struct ResponseBodyInfo {
  bool valid_json = false;
  std::optional<Usage> usage;
};

/// Checks that `body` is JSON and reads its `usage`. One pass over the bytes decides a common
/// response body, and the thread's simdjson parser decides the rest.
ResponseBodyInfo inspectResponseBody(std::string_view body);

}  // namespace pointsman::api
