#pragma once

#include <pointsman/accounting/principal.hpp>
#include <pointsman/config/config.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pointsman::accounting {

/// Lower-case hex SHA-256 of `text`; the form keys take in config and in the stores.
std::string sha256Hex(std::string_view text);

/// The key a client presented: the token of `Authorization: Bearer ...`, else the value of the
/// Azure-style `api-key` header. Empty when neither is present.
std::string_view presentedKey(std::string_view authorization, std::string_view api_key_header);

/// A key made through the admin API, as a store keeps it.
struct StoredKey {
  config::KeyConfig key;
  /// Seconds since the Unix epoch.
  std::int64_t created_at = 0;
};

/// Every key the gateway accepts, by the SHA-256 of the key. Immutable once built: a config
/// reload or a change through the admin API builds a new registry and swaps it in.
class KeyRegistry {
 public:
  /// YAML keys win over stored keys of the same name; stored keys whose tier or team no longer
  /// exists are left out with a warning in `warnings`.
  static std::shared_ptr<const KeyRegistry> build(const config::Config& config, const std::vector<StoredKey>& stored,
                                                  std::vector<std::string>* warnings = nullptr);

  /// The principal for a presented key, or null when the key is unknown.
  [[nodiscard]] const Principal* find(std::string_view presented_key) const;
  /// The principal of the key with this name, or null.
  [[nodiscard]] const Principal* findByName(std::string_view name) const;
  [[nodiscard]] std::size_t size() const { return by_digest_.size(); }

 private:
  std::unordered_map<std::string, std::shared_ptr<const Principal>> by_digest_;
  std::unordered_map<std::string, std::shared_ptr<const Principal>> by_name_;
};

}  // namespace pointsman::accounting
