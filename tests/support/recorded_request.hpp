#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace pointsman::test {

/// One request as the mock upstream received it.
struct RecordedRequest {
  std::string method;
  std::string target;
  /// Header names in lower case. A repeated header keeps its values joined with ", ".
  std::map<std::string, std::string> headers;
  /// The body after chunked decoding, exactly as sent otherwise.
  std::string body;
  /// True when the body came with `Transfer-Encoding: chunked`.
  bool chunked = false;
  /// Index of the connection the request arrived on, in accept order.
  std::size_t connectionIndex = 0;
  std::chrono::steady_clock::time_point time;

  [[nodiscard]] bool hasHeader(const std::string& name) const { return headers.count(name) != 0; }

  /// Returns the header's value, or an empty string when it is absent.
  [[nodiscard]] std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string{} : found->second;
  }
};

}  // namespace pointsman::test
