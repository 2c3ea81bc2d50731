#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pointsman::api {

/// Returns a copy of the JSON object text `body` whose top-level string member `key` is replaced
/// by `replacement` (a JSON string, escaped here). Every other byte stays as the client sent it,
/// so unknown fields, number spellings and key order reach the upstream unchanged. Returns
/// nothing when the top level is not an object or has no string member `key`. Only the first
/// member named `key` is replaced: parseRequest() rejects bodies that name `model` twice.
std::optional<std::string> replaceTopLevelString(std::string_view body, std::string_view key,
                                                 std::string_view replacement);

}  // namespace pointsman::api
