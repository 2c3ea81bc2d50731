#include <pointsman/accounting/redis_store.hpp>

#include "accounting/redis_scripts.hpp"

#include <pointsman/accounting/await_callback.hpp>
#include <pointsman/accounting/stored_key_json.hpp>

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <future>
#include <memory>

namespace pointsman::accounting {
namespace {

/// The ledger's hourly hashes live 90 days, long enough for monthly spend reports.
constexpr std::int64_t kLedgerTtlSeconds = 90 * 24 * 3600;
/// A failed connect is retried at most this often, so queued commands fail fast meanwhile.
constexpr std::chrono::seconds kReconnectInterval{1};

using ReplyPointer = std::unique_ptr<redisReply, decltype(&freeReplyObject)>;

ReplyPointer wrap(redisReply* reply) { return {reply, &freeReplyObject}; }

timeval toTimeval(std::chrono::milliseconds timeout) {
  return {static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
}

std::vector<std::string> ledgerKeys(const std::string& prefix, std::int64_t hour) {
  std::vector<std::string> keys;
  for (const char* measure : {"requests", "nanos", "prompt", "completion"}) {
    keys.push_back(prefix + "spend:" + std::to_string(hour) + ":" + measure);
  }
  return keys;
}

}  // namespace

RedisStore::RedisStore(config::RedisStoreConfig settings, AccountingMetrics& metrics)
    : settings_(std::move(settings)), metrics_(metrics), thread_([this] { runJobs(); }) {}

RedisStore::~RedisStore() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  thread_.join();
  if (context_ != nullptr) redisFree(context_);
}

void RedisStore::post(Job job) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(job));
  }
  queue_ready_.notify_one();
}

void RedisStore::runJobs() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job(connection());
  }
}

redisContext* RedisStore::connection() {
  if (context_ != nullptr) return context_;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_connect_attempt_) return nullptr;
  next_connect_attempt_ = now + kReconnectInterval;

  const auto colon = settings_.address.rfind(':');
  std::string host = settings_.address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const int port = std::stoi(settings_.address.substr(colon + 1));
  context_ = redisConnectWithTimeout(host.c_str(), port, toTimeval(settings_.timeout));
  if (context_ == nullptr || context_->err != 0) {
    dropConnection("connect");
    return nullptr;
  }
  redisSetTimeout(context_, toTimeval(settings_.timeout));
  if (!settings_.password.empty()) {
    const std::string password(settings_.password.reveal());
    auto reply = wrap(static_cast<redisReply*>(redisCommand(context_, "AUTH %b", password.data(), password.size())));
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
      dropConnection("AUTH");
      return nullptr;
    }
  }
  if (reported_down_) spdlog::info("accounting: Redis at {} is reachable again", settings_.address);
  reported_down_ = false;
  return context_;
}

void RedisStore::dropConnection(const char* what) {
  const std::string reason = context_ != nullptr && context_->err != 0 ? context_->errstr : "no reply";
  if (!reported_down_) {
    spdlog::error("accounting: Redis at {} failed ({}: {}); admission {} until it is back", settings_.address, what,
                  reason, settings_.fail_open ? "admits unchecked (fail_open)" : "rejects with 503 (fail closed)");
  }
  reported_down_ = true;
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

boost::asio::awaitable<AdmissionResult> RedisStore::admit(const AdmissionRequest& request) {
  auto start = [this, &request](std::function<void(AdmissionResult)> complete) {
    post([this, request, complete = std::move(complete)](redisContext* context) {
      AdmissionResult result;
      result.verdict = AdmissionVerdict::StoreUnavailable;
      if (context != nullptr) {
        std::vector<std::string> keys;
        std::vector<std::string> args;
        redis::admitArguments(request, settings_.key_prefix, keys, args);
        auto reply = wrap(redis::runScript(context, redis::kAdmitScript, keys, args));
        if (!reply) dropConnection("EVALSHA");
        result = redis::admitResult(reply.get(), request);
      }
      if (result.verdict == AdmissionVerdict::StoreUnavailable && settings_.fail_open) {
        result = AdmissionResult{};
        result.failed_open = true;
      }
      complete(std::move(result));
    });
  };
  auto result = co_await awaitCallback<AdmissionResult>(start);
  co_return result;
}

boost::asio::awaitable<void> RedisStore::settle(const AdmissionRequest& admitted, const Settlement& settlement,
                                                const SpendEntry& entry) {
  std::vector<std::string> keys;
  std::vector<std::string> args{std::to_string(admitted.budgets.size()),
                                std::to_string(settlement.cost - admitted.reserve),
                                std::to_string(settlement.token_correction)};
  for (const auto& budget : admitted.budgets) keys.push_back(settings_.key_prefix + budget.scope);
  for (const auto& rate : admitted.rates) {
    if (rate.kind != RateKind::Tokens) continue;
    keys.push_back(settings_.key_prefix + rate.scope);
    args.push_back(std::to_string(rate.per_minute));
  }
  const auto hour = entry.unix_seconds - entry.unix_seconds % 3600;
  for (auto& key : ledgerKeys(settings_.key_prefix, hour)) keys.push_back(std::move(key));
  args.push_back(entry.key_name.empty() ? std::string() : redis::ledgerField(entry));
  args.push_back(std::to_string(entry.cost));
  args.push_back(std::to_string(entry.prompt_tokens));
  args.push_back(std::to_string(entry.completion_tokens));
  args.push_back(std::to_string(kLedgerTtlSeconds));

  auto start = [&](std::function<void(bool)> complete) {
    post([this, keys, args, complete = std::move(complete)](redisContext* context) {
      auto reply = wrap(context != nullptr ? redis::runScript(context, redis::kSettleScript, keys, args) : nullptr);
      if (context != nullptr && !reply) dropConnection("EVALSHA");
      complete(reply && reply->type == REDIS_REPLY_INTEGER);
    });
  };
  const bool settled = co_await awaitCallback<bool>(start);
  if (!settled) {
    metrics_.store_failures.labels({"redis", "settle_failed"}).increment();
    spdlog::error("accounting: settlement for key {} was not written to Redis; its reservation stays counted",
                  entry.key_name);
  }
}

boost::asio::awaitable<std::vector<SpendRow>> RedisStore::spend(std::int64_t from_unix, std::int64_t to_unix) {
  auto start = [&](std::function<void(std::vector<SpendRow>)> complete) {
    post([this, from_unix, to_unix, complete = std::move(complete)](redisContext* context) {
      std::map<std::string, SpendRow> rows;
      for (std::int64_t hour = from_unix - from_unix % 3600; context != nullptr && hour < to_unix; hour += 3600) {
        if (hour < from_unix) continue;
        const auto keys = ledgerKeys(settings_.key_prefix, hour);
        for (std::size_t measure = 0; measure < keys.size(); ++measure) {
          auto reply = wrap(static_cast<redisReply*>(redisCommand(context, "HGETALL %s", keys[measure].c_str())));
          if (!reply || reply->type != REDIS_REPLY_ARRAY) continue;
          for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
            const std::string field(reply->element[i]->str, reply->element[i]->len);
            auto [row, added] = rows.try_emplace(field + "\x1f" + std::to_string(hour), redis::rowFromLedgerField(field));
            const std::int64_t value = std::stoll(std::string(reply->element[i + 1]->str, reply->element[i + 1]->len));
            std::int64_t* targets[] = {&row->second.requests, &row->second.cost, &row->second.prompt_tokens,
                                       &row->second.completion_tokens};
            *targets[measure] += value;
          }
        }
      }
      std::vector<SpendRow> result;
      for (auto& [field, row] : rows) result.push_back(std::move(row));
      complete(std::move(result));
    });
  };
  auto rows = co_await awaitCallback<std::vector<SpendRow>>(start);
  co_return rows;
}

boost::asio::awaitable<Nanos> RedisStore::counter(const std::string& scope) {
  auto start = [&](std::function<void(Nanos)> complete) {
    post([this, scope, complete = std::move(complete)](redisContext* context) {
      Nanos value = 0;
      if (context != nullptr) {
        const std::string key = settings_.key_prefix + scope;
        auto reply = wrap(static_cast<redisReply*>(redisCommand(context, "GET %b", key.data(), key.size())));
        if (reply && reply->type == REDIS_REPLY_STRING) value = std::stoll(std::string(reply->str, reply->len));
      }
      complete(value);
    });
  };
  const Nanos value = co_await awaitCallback<Nanos>(start);
  co_return value;
}

std::optional<std::vector<StoredKey>> RedisStore::loadKeys() {
  std::promise<std::optional<std::vector<StoredKey>>> promise;
  post([this, &promise](redisContext* context) {
    std::vector<StoredKey> keys;
    const std::string hash = settings_.key_prefix + "keys";
    auto reply = wrap(context != nullptr ? static_cast<redisReply*>(redisCommand(context, "HVALS %s", hash.c_str()))
                                         : nullptr);
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
      promise.set_value(std::nullopt);
      return;
    }
    for (std::size_t i = 0; i < reply->elements; ++i) {
      std::string problem;
      if (auto key = storedKeyFromJson(std::string_view(reply->element[i]->str, reply->element[i]->len), problem)) {
        keys.push_back(std::move(*key));
      }
    }
    promise.set_value(std::move(keys));
  });
  return promise.get_future().get();
}

boost::asio::awaitable<bool> RedisStore::saveKey(const StoredKey& key) {
  const std::vector<std::string> keys{settings_.key_prefix + "keys", settings_.key_prefix + "key_digests"};
  const std::vector<std::string> args{key.key.name, key.key.key_sha256, storedKeyToJson(key)};
  auto start = [&](std::function<void(bool)> complete) {
    post([keys, args, complete = std::move(complete)](redisContext* context) {
      auto reply = wrap(context != nullptr ? redis::runScript(context, redis::kSaveKeyScript, keys, args) : nullptr);
      complete(reply && reply->type == REDIS_REPLY_INTEGER && reply->integer == 1);
    });
  };
  const bool saved = co_await awaitCallback<bool>(start);
  co_return saved;
}

boost::asio::awaitable<bool> RedisStore::revokeKey(const std::string& name) {
  const std::vector<std::string> keys{settings_.key_prefix + "keys", settings_.key_prefix + "key_digests"};
  const std::vector<std::string> args{name};
  auto start = [&](std::function<void(bool)> complete) {
    post([keys, args, complete = std::move(complete)](redisContext* context) {
      auto reply = wrap(context != nullptr ? redis::runScript(context, redis::kRevokeKeyScript, keys, args) : nullptr);
      complete(reply && reply->type == REDIS_REPLY_INTEGER && reply->integer == 1);
    });
  };
  const bool revoked = co_await awaitCallback<bool>(start);
  co_return revoked;
}

}  // namespace pointsman::accounting
