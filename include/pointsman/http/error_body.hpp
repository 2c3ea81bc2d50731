#pragma once

#include <string>
#include <string_view>

namespace pointsman::http {

/// The OpenAI error JSON, `{"error":{"message","type","param","code"}}`. An empty `param` or
/// `code` is written as null. Every error the gateway itself produces uses this shape.
std::string openAiErrorBody(std::string_view message, std::string_view type,
                            std::string_view param = {}, std::string_view code = {});

}  // namespace pointsman::http
