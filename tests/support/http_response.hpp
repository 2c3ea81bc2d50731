#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace pointsman::test {

/// A response as the test client read it.
struct HttpResponse {
  int status = 0;
  /// Header names in lower case. Repeated headers keep their values joined with ", ".
  std::map<std::string, std::string> headers;
  /// The body after chunked decoding; content codings are not undone.
  std::string body;
  /// True when the response used `Transfer-Encoding: chunked`.
  bool chunked = false;

  [[nodiscard]] bool hasHeader(const std::string& name) const { return headers.count(name) != 0; }

  /// Returns the header's value, or an empty string when it is absent.
  [[nodiscard]] std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string{} : found->second;
  }

  /// Parses the body as JSON; a body that is not JSON gives a discarded value.
  [[nodiscard]] nlohmann::json json() const {
    return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  }
};

}  // namespace pointsman::test
