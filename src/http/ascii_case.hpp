#pragma once

#include <cstddef>
#include <string_view>

namespace pointsman::http {

/// Compares two header names as HTTP does: ASCII letters match in either case.
inline bool equalsIgnoringCase(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return false;
  for (std::size_t i = 0; i < left.size(); ++i) {
    const auto a = static_cast<unsigned char>(left[i]);
    const auto b = static_cast<unsigned char>(right[i]);
    if (a != b && (a | 0x20) != (b | 0x20)) return false;
  }
  return true;
}

}  // namespace pointsman::http
