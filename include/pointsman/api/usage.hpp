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
  std::int64_t reasoning_tokens = 0;
};

/// Reads `usage` from a response body or a stream chunk; nothing when absent or null.
std::optional<Usage> usageFromResponse(const nlohmann::json& body);

/// The same from raw JSON text, parsing only the `usage` object: a relay that does not need the
/// rest of a large answer skips building it. Nothing when absent, null or malformed.
std::optional<Usage> usageFromResponseText(std::string_view body);

}  // namespace pointsman::api
