#pragma once

#include <map>
#include <optional>
#include <string>

namespace pointsman::route {

/// What routing policies may read about the caller. Accounting fills it from the client key;
/// with `auth: none` every field is empty and the budget share unknown.
struct PrincipalView {
  std::string key_name;
  std::string team;
  std::string tier;
  /// The key's labels; null when the caller has none.
  const std::map<std::string, std::string>* labels = nullptr;
  /// The share of the caller's budget still unspent, in [0, 1]; nothing when no budget applies.
  std::optional<double> budget_remaining;
};

}  // namespace pointsman::route
