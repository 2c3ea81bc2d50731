#include "accounting/redis_scripts.hpp"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>

#include <fmt/format.h>

#include <map>
#include <mutex>

namespace pointsman::accounting::redis {

const char* const kAdmitScript = R"lua(
local nb = tonumber(ARGV[1])
local nr = tonumber(ARGV[2])
local reserve = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local minute = 60000000
local a = 4
local limits, ttls = {}, {}
for i = 1, nb do limits[i] = tonumber(ARGV[a]); ttls[i] = tonumber(ARGV[a + 1]); a = a + 2 end
local result = {1, 0, 0, -1, 0, 0, -1, 0, 0, 1000000}
local arrivals = {}
for i = 1, nr do
  local per, amount, kind = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  local tat = tonumber(redis.call('GET', KEYS[nb + i]) or '0')
  local interval = math.max(1, math.floor(minute / per))
  local base = math.max(tat, now)
  local new_tat = base + amount * interval
  local ok = amount <= per and new_tat - minute <= now
  local remaining, reset
  if ok then
    remaining, reset = math.floor((now + minute - new_tat) / interval), new_tat - now
  else
    remaining, reset = math.floor((now + minute - base) / interval), base - now
  end
  if remaining < 0 then remaining = 0 end
  local slot = 4 + kind * 3
  if result[slot] == -1 then result[slot], result[slot + 1], result[slot + 2] = per, remaining, reset end
  if not ok then
    result[1], result[2] = 3, nb + i
    if amount > per then result[3] = minute else result[3] = new_tat - minute - now end
    return result
  end
  arrivals[i] = new_tat
end
for i = 1, nb do
  local spent = tonumber(redis.call('GET', KEYS[i]) or '0')
  if spent + reserve > limits[i] then
    result[1], result[2], result[10] = 2, i, 0
    return result
  end
end
for i = 1, nr do redis.call('SET', KEYS[nb + i], string.format('%.0f', arrivals[i]), 'PX', 120000) end
for i = 1, nb do
  local counter = redis.call('INCRBY', KEYS[i], ARGV[3])
  if ttls[i] > 0 then redis.call('EXPIRE', KEYS[i], ttls[i]) end
  local share = math.floor((limits[i] - counter) * 1000000 / limits[i])
  if share < result[10] then result[10] = share end
end
if result[10] < 0 then result[10] = 0 end
return result
)lua";

const char* const kSettleScript = R"lua(
local nb = tonumber(ARGV[1])
for i = 1, nb do redis.call('INCRBY', KEYS[i], ARGV[2]) end
local correction = tonumber(ARGV[3])
local rates = #KEYS - nb - 4
if correction ~= 0 and rates > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  for i = 1, rates do
    local per = tonumber(ARGV[3 + i])
    local tat = tonumber(redis.call('GET', KEYS[nb + i]) or '0')
    local value = math.max(tat, now) + correction * math.max(1, math.floor(60000000 / per))
    if value < now then value = now end
    redis.call('SET', KEYS[nb + i], string.format('%.0f', value), 'PX', 120000)
  end
end
local a = 4 + rates
local field = ARGV[a]
if field ~= '' then
  local ledger = #KEYS - 3
  redis.call('HINCRBY', KEYS[ledger], field, 1)
  redis.call('HINCRBY', KEYS[ledger + 1], field, ARGV[a + 1])
  redis.call('HINCRBY', KEYS[ledger + 2], field, ARGV[a + 2])
  redis.call('HINCRBY', KEYS[ledger + 3], field, ARGV[a + 3])
  for i = ledger, ledger + 3 do redis.call('EXPIRE', KEYS[i], ARGV[a + 4]) end
end
return 1
)lua";

const char* const kSaveKeyScript = R"lua(
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 1
)lua";

const char* const kRevokeKeyScript = R"lua(
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return 0 end
local digest = cjson.decode(json)['key_sha256']
redis.call('HDEL', KEYS[1], ARGV[1])
if digest then redis.call('HDEL', KEYS[2], digest) end
return 1
)lua";

namespace {

std::string sha1Hex(const char* text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text), std::strlen(text), digest);
  std::string hex;
  for (const unsigned char byte : digest) fmt::format_to(std::back_inserter(hex), "{:02x}", byte);
  return hex;
}

const std::string& scriptSha(const char* script) {
  static std::mutex mutex;
  static std::map<const char*, std::string> hashes;
  std::lock_guard lock(mutex);
  auto& hash = hashes[script];
  if (hash.empty()) hash = sha1Hex(script);
  return hash;
}

redisReply* command(redisContext* context, const std::string& verb, const std::string& script_or_sha,
                    const std::vector<std::string>& keys, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  const std::string key_count = std::to_string(keys.size());
  const auto push = [&](const std::string& value) {
    argv.push_back(value.data());
    lengths.push_back(value.size());
  };
  push(verb);
  push(script_or_sha);
  push(key_count);
  for (const auto& key : keys) push(key);
  for (const auto& arg : args) push(arg);
  return static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
}

std::int64_t element(const redisReply* reply, std::size_t index) {
  if (reply->elements <= index || reply->element[index]->type != REDIS_REPLY_INTEGER) return 0;
  return reply->element[index]->integer;
}

std::chrono::milliseconds millisFromMicros(std::int64_t micros) {
  return std::chrono::milliseconds((micros + 999) / 1000);
}

}  // namespace

redisReply* runScript(redisContext* context, const char* script, const std::vector<std::string>& keys,
                      const std::vector<std::string>& args) {
  auto* reply = command(context, "EVALSHA", scriptSha(script), keys, args);
  const bool unknown = reply != nullptr && reply->type == REDIS_REPLY_ERROR &&
                       std::string_view(reply->str, reply->len).starts_with("NOSCRIPT");
  if (!unknown) return reply;
  freeReplyObject(reply);
  return command(context, "EVAL", script, keys, args);
}

void admitArguments(const AdmissionRequest& request, const std::string& prefix, std::vector<std::string>& keys,
                    std::vector<std::string>& args) {
  args = {std::to_string(request.budgets.size()), std::to_string(request.rates.size()),
          std::to_string(request.reserve)};
  for (const auto& budget : request.budgets) {
    keys.push_back(prefix + budget.scope);
    args.push_back(std::to_string(budget.limit));
    args.push_back(std::to_string(budget.ttl.count()));
  }
  for (const auto& rate : request.rates) {
    keys.push_back(prefix + rate.scope);
    args.push_back(std::to_string(rate.per_minute));
    args.push_back(std::to_string(rate.amount));
    args.push_back(rate.kind == RateKind::Requests ? "0" : "1");
  }
}

AdmissionResult admitResult(const redisReply* reply, const AdmissionRequest& request) {
  AdmissionResult result;
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements < 10) {
    result.verdict = AdmissionVerdict::StoreUnavailable;
    return result;
  }
  const auto snapshot = [reply](std::size_t first, RateSnapshot& out) {
    if (element(reply, first) < 0) return;
    out.present = true;
    out.limit = element(reply, first);
    out.remaining = element(reply, first + 1);
    out.reset = millisFromMicros(element(reply, first + 2));
  };
  snapshot(3, result.requests);
  snapshot(6, result.tokens);
  result.remaining_budget_share = static_cast<double>(element(reply, 9)) / 1e6;

  const auto verdict = element(reply, 0);
  const auto index = static_cast<std::size_t>(element(reply, 1));
  const auto budgets = request.budgets.size();
  if (verdict == 2 && index >= 1 && index <= budgets) {
    result.verdict = AdmissionVerdict::BudgetExhausted;
    result.rejected_by = request.budgets[index - 1].owner;
  } else if (verdict == 3 && index > budgets && index <= budgets + request.rates.size()) {
    const auto& rate = request.rates[index - budgets - 1];
    result.verdict = AdmissionVerdict::RateLimited;
    result.rejected_by = rate.owner;
    result.rejected_rate = rate.kind;
    result.retry_after = millisFromMicros(element(reply, 2));
  } else if (verdict != 1) {
    result.verdict = AdmissionVerdict::StoreUnavailable;
  }
  return result;
}

std::string ledgerField(const SpendEntry& entry) {
  constexpr char kSeparator = '\x1f';
  return fmt::format("{}{}{}{}{}{}{}{}{}", entry.key_name, kSeparator, entry.team, kSeparator, entry.user, kSeparator,
                     entry.route, kSeparator, entry.deployment);
}

SpendRow rowFromLedgerField(const std::string& field) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t end = field.find('\x1f'); end != std::string::npos; end = field.find('\x1f', start)) {
    parts.push_back(field.substr(start, end - start));
    start = end + 1;
  }
  parts.push_back(field.substr(start));
  parts.resize(5);
  SpendRow row;
  row.key_name = parts[0];
  row.team = parts[1];
  row.user = parts[2];
  row.route = parts[3];
  row.deployment = parts[4];
  return row;
}

}  // namespace pointsman::accounting::redis
