#include <pointsman/accounting/key_registry.hpp>

#include <fmt/format.h>
#include <openssl/sha.h>

namespace pointsman::accounting {

std::string sha256Hex(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string hex;
  hex.reserve(2 * SHA256_DIGEST_LENGTH);
  for (const unsigned char byte : digest) fmt::format_to(std::back_inserter(hex), "{:02x}", byte);
  return hex;
}

std::string_view presentedKey(std::string_view authorization, std::string_view api_key_header) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() && authorization.substr(0, kBearer.size()) == kBearer) {
    return authorization.substr(kBearer.size());
  }
  return api_key_header;
}

std::shared_ptr<const KeyRegistry> KeyRegistry::build(const config::Config& config, const std::vector<StoredKey>& stored,
                                                      std::vector<std::string>* warnings) {
  auto registry = std::make_shared<KeyRegistry>();
  const auto add = [&registry](const config::KeyConfig& key, Principal principal) {
    auto shared = std::make_shared<const Principal>(std::move(principal));
    registry->by_digest_.emplace(key.key_sha256, shared);
    registry->by_name_.emplace(key.name, shared);
  };
  for (const auto& key : config.keys) add(key, principalFor(key, config));

  for (const auto& entry : stored) {
    const auto& key = entry.key;
    if (registry->by_name_.contains(key.name) || registry->by_digest_.contains(key.key_sha256)) continue;
    const bool tier_missing = !key.tier.empty() && !config.tiers.contains(key.tier);
    const bool team_missing = !key.team.empty() && !config.teams.contains(key.team);
    if (tier_missing || team_missing) {
      if (warnings) {
        warnings->push_back(fmt::format("stored key \"{}\" is disabled: its {} \"{}\" is not in the config", key.name,
                                        tier_missing ? "tier" : "team", tier_missing ? key.tier : key.team));
      }
      continue;
    }
    auto principal = principalFor(key, config);
    principal.from_admin_api = true;
    add(key, std::move(principal));
  }
  return registry;
}

const Principal* KeyRegistry::find(std::string_view presented_key) const {
  if (presented_key.empty()) return nullptr;
  const auto found = by_digest_.find(sha256Hex(presented_key));
  return found == by_digest_.end() ? nullptr : found->second.get();
}

const Principal* KeyRegistry::findByName(std::string_view name) const {
  const auto found = by_name_.find(std::string(name));
  return found == by_name_.end() ? nullptr : found->second.get();
}

}  // namespace pointsman::accounting
