#pragma once

#include <string>
#include <string_view>

namespace pointsman::config {

/// A credential read from the config (API key, admin token). It has no stream operator and no
/// implicit conversion to text, so it cannot end up in a log line by accident: code that sends it
/// on the wire calls reveal(), and everything else uses redacted().
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  [[nodiscard]] bool empty() const { return value_.empty(); }

  /// The secret's text, for the one place that writes it into a request.
  [[nodiscard]] std::string_view reveal() const { return value_; }

  /// A fixed mask plus the first 8 hex digits of the value's SHA-256, so operators can tell two
  /// keys apart in `/admin/config` without seeing either.
  [[nodiscard]] std::string redacted() const;

  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

}  // namespace pointsman::config
