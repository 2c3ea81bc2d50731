#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::http {

/// Decompresses a gzip, zlib or raw deflate body, which covers the `gzip` and `deflate` content
/// codings (servers differ on whether `deflate` means zlib or raw deflate). Concatenated gzip
/// members are decoded one after another. Returns nothing when the input is corrupt or truncated,
/// or when the output would exceed `max_output_bytes`.
std::optional<std::string> gunzip(std::string_view compressed, std::size_t max_output_bytes);

/// Compresses `plain` into one gzip member at the default level. Returns an empty string only if
/// zlib fails, which happens when memory runs out.
std::string gzipCompress(std::string_view plain);

}  // namespace pointsman::http
