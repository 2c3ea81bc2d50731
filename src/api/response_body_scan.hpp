#pragma once

#include <pointsman/api/usage.hpp>

#include <optional>
#include <string_view>

namespace pointsman::api {

/// Checks that a non-streamed response body is JSON and reads its `usage`, in one pass over the
/// bytes and without building a document. It returns a result only where simdjson would return
/// the same. It returns nothing for a body that is not JSON or may not be. It also returns
/// nothing for an escaped key where `usage` could be, a count that is not a plain integer, deep
/// nesting, long numbers and escaped surrogates. The caller then runs the document parser.
std::optional<ResponseBodyInfo> scanResponseBody(std::string_view body);

/// Checks the same with simdjson's document parser, which decides every body.
ResponseBodyInfo inspectResponseDocument(std::string_view body);

}  // namespace pointsman::api
