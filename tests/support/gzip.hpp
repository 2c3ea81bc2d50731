#pragma once

#include <string>
#include <string_view>

namespace pointsman::test {

/// Compresses `data` into the gzip format (RFC 1952) with zlib.
std::string gzipCompress(std::string_view data);

/// Decompresses a gzip stream; throws std::runtime_error when it is not valid gzip.
std::string gzipDecompress(std::string_view data);

}  // namespace pointsman::test
