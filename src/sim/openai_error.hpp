// OpenAI-style error bodies: {"error":{"message","type","param","code"}}.
#pragma once

#include <string>
#include <string_view>

namespace pointsman::sim {

/// Returns the OpenAI error type for an HTTP status, such as `rate_limit_error` for 429.
std::string_view errorTypeForStatus(int status);

/// Returns an error body. An empty `param` or `code` is sent as JSON null.
std::string makeErrorBody(std::string_view message, std::string_view type,
                          std::string_view param = {}, std::string_view code = {});

}  // namespace pointsman::sim
