#include "admin/keys_endpoint.hpp"

#include "admin/admin_replies.hpp"

#include <pointsman/accounting/stored_key_json.hpp>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace pointsman::admin {
namespace asio = boost::asio;
namespace {

using nlohmann::json;

constexpr std::size_t kMaxNameLength = 64;

/// Key names appear in URL paths, logs and the spend ledger, so they keep to an alphabet that
/// needs no escaping in any of them.
bool validKeyName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
  });
}

/// Generates a client key: "pm-" and 32 random bytes in unpadded base64url.
std::string generateClientKey() {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("the random number generator failed");
  std::string key = "pm-";
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      key.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) key.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return key;
}

json keyJson(const config::KeyConfig& key, std::string_view source, bool active, std::int64_t created_at) {
  json out{{"name", key.name},         {"source", source},          {"active", active},
           {"team", key.team},         {"tier", key.tier},          {"routes", key.limits.routes},
           {"deployments", key.limits.deployments}, {"labels", key.labels}};
  out["budget"] = key.limits.budget ? json{{"usd", key.limits.budget->usd},
                                           {"per", config::budgetPeriodName(key.limits.budget->per)}}
                                    : json(nullptr);
  out["rpm"] = key.limits.rpm ? json(*key.limits.rpm) : json(nullptr);
  out["tpm"] = key.limits.tpm ? json(*key.limits.tpm) : json(nullptr);
  out["created_at"] = created_at > 0 ? json(created_at) : json(nullptr);
  return out;
}

/// Lists the config's keys, then the stored ones. A stored key is inactive while a config key has
/// its name, or while its tier or team is missing from the config.
json allKeys(const config::Config& config, AccountingAdmin& accounting) {
  const auto registry = accounting.registry();
  json data = json::array();
  for (const auto& key : config.keys) data.push_back(keyJson(key, "config", true, 0));
  for (const auto& stored : accounting.storedKeys()) {
    const auto* principal = registry->findByName(stored.key.name);
    const bool active = principal != nullptr && principal->from_admin_api;
    data.push_back(keyJson(stored.key, "api", active, stored.created_at));
  }
  return data;
}

const config::KeyConfig* configKeyNamed(const config::Config& config, std::string_view name) {
  const auto found = std::find_if(config.keys.begin(), config.keys.end(),
                                  [name](const config::KeyConfig& key) { return key.name == name; });
  return found == config.keys.end() ? nullptr : &*found;
}

/// Finds the first reason the requested key cannot be created, as {message, param}. Both are
/// empty when the key is valid.
std::pair<std::string, std::string> creationProblem(const json& document, const config::KeyConfig& key,
                                                    const config::Config& config) {
  if (document.contains("key_sha256") || document.contains("key")) {
    return {"The gateway generates the key; leave out \"key\" and \"key_sha256\".", "key"};
  }
  if (!validKeyName(key.name)) {
    return {"\"name\" must be 1 to 64 letters, digits, '-', '_' or '.'.", "name"};
  }
  if (!key.tier.empty() && !config.tiers.contains(key.tier)) {
    return {"The tier \"" + key.tier + "\" is not in the config.", "tier"};
  }
  if (!key.team.empty() && !config.teams.contains(key.team)) {
    return {"The team \"" + key.team + "\" is not in the config.", "team"};
  }
  for (const auto& route : key.limits.routes) {
    if (!config.routes.contains(route)) return {"The route \"" + route + "\" is not in the config.", "routes"};
  }
  for (const auto& deployment : key.limits.deployments) {
    if (!config.models.contains(deployment)) {
      return {"The deployment \"" + deployment + "\" is not in the config.", "deployments"};
    }
  }
  return {};
}

asio::awaitable<void> createKey(http::IncomingRequest& request, http::ResponseWriter& writer,
                                const config::Config& config, AccountingAdmin& accounting) {
  if (!accounting.store().keepsKeys()) {
    co_await sendError(writer, 400,
                       "The " + accounting.storeName() +
                           " store does not keep keys across restarts; set accounting.store to sqlite or redis "
                           "to create keys through the admin API.",
                       "invalid_request_error", {}, "store_cannot_keep_keys");
    co_return;
  }

  const auto& body = request.message.body();
  std::string problem;
  auto parsed = accounting::storedKeyFromJson(body, problem);
  if (!parsed) {
    co_await sendError(writer, 400, "Invalid key: " + problem + ".", "invalid_request_error", {}, "invalid_key_request");
    co_return;
  }
  const auto [message, param] = creationProblem(json::parse(body), parsed->key, config);
  if (!message.empty()) {
    co_await sendError(writer, 400, message, "invalid_request_error", param, "invalid_key_request");
    co_return;
  }
  if (configKeyNamed(config, parsed->key.name) != nullptr) {
    co_await sendError(writer, 409, "A key named \"" + parsed->key.name + "\" is defined in the config file.",
                       "invalid_request_error", "name", "key_exists");
    co_return;
  }

  const std::string client_key = generateClientKey();
  parsed->key.key_sha256 = accounting::sha256Hex(client_key);
  parsed->created_at = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  const bool saved = co_await accounting.store().saveKey(*parsed);
  if (!saved) {
    co_await sendError(writer, 409, "A stored key named \"" + parsed->key.name + "\" already exists.",
                       "invalid_request_error", "name", "key_exists");
    co_return;
  }
  accounting.keySaved(*parsed, config);
  spdlog::info("admin: created key {} (tier {}, team {}) from {}", parsed->key.name,
               parsed->key.tier.empty() ? "-" : parsed->key.tier, parsed->key.team.empty() ? "-" : parsed->key.team,
               request.remote_address);

  // This response is the only place the key appears, because the store keeps only its digest.
  auto answer = keyJson(parsed->key, "api", true, parsed->created_at);
  answer["key"] = client_key;
  co_await writer.sendResponse(201, jsonHeaders(), answer.dump(2));
}

asio::awaitable<void> revokeKey(http::IncomingRequest& request, http::ResponseWriter& writer,
                                const config::Config& config, AccountingAdmin& accounting, const std::string& name) {
  if (configKeyNamed(config, name) != nullptr) {
    co_await sendError(writer, 409,
                       "The key \"" + name + "\" is defined in the config file; remove it there and reload.",
                       "invalid_request_error", "name", "key_in_config");
    co_return;
  }
  const bool revoked = co_await accounting.store().revokeKey(name);
  if (!revoked) {
    co_await sendError(writer, 404, "No stored key is named \"" + name + "\".", "invalid_request_error", "name",
                       "key_not_found");
    co_return;
  }
  accounting.keyRevoked(name, config);
  spdlog::info("admin: revoked key {} from {}", name, request.remote_address);
  // GCC 12 rejects a braced initializer inside a co_await expression, so the body is built first.
  std::string body = json{{"name", name}, {"revoked", true}}.dump(2);
  co_await writer.sendResponse(200, jsonHeaders(), std::move(body));
}

asio::awaitable<void> showKey(http::ResponseWriter& writer, const config::Config& config,
                              AccountingAdmin& accounting, std::string_view name) {
  for (auto& entry : allKeys(config, accounting)) {
    if (entry["name"] != name) continue;
    co_await writer.sendResponse(200, jsonHeaders(), entry.dump(2));
    co_return;
  }
  co_await sendError(writer, 404, "No key is named \"" + std::string(name) + "\".", "invalid_request_error", "name",
                     "key_not_found");
}

}  // namespace

asio::awaitable<void> answerKeys(http::IncomingRequest& request, http::ResponseWriter& writer,
                                 const config::Config& config, AccountingAdmin& accounting, std::string_view name) {
  const std::string_view method = request.message.method();
  if (name.empty()) {
    if (method == "GET") {
      const json answer{{"object", "list"}, {"store", accounting.storeName()}, {"data", allKeys(config, accounting)}};
      co_await writer.sendResponse(200, jsonHeaders(), answer.dump(2));
    } else if (method == "POST") {
      co_await createKey(request, writer, config, accounting);
    } else {
      co_await sendMethodNotAllowed(writer, "GET, POST");
    }
    co_return;
  }

  if (method == "GET") {
    co_await showKey(writer, config, accounting, name);
  } else if (method == "DELETE") {
    co_await revokeKey(request, writer, config, accounting, std::string(name));
  } else {
    co_await sendMethodNotAllowed(writer, "GET, DELETE");
  }
}

}  // namespace pointsman::admin
