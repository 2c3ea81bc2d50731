#pragma once

#include <pointsman/accounting/key_registry.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace pointsman::accounting {

/// A stored key as JSON: `{"name","key_sha256","team","tier","budget":{"usd","per"},"rpm","tpm",
/// "routes","deployments","labels","created_at"}`. The stores keep keys in this form, and the
/// admin API reads the same fields (without `key_sha256`) when it creates a key.
std::string storedKeyToJson(const StoredKey& key);

/// Parses what storedKeyToJson wrote, or an admin request. Returns nothing and sets `problem`
/// for invalid JSON or a field of the wrong type.
std::optional<StoredKey> storedKeyFromJson(std::string_view text, std::string& problem);

}  // namespace pointsman::accounting
