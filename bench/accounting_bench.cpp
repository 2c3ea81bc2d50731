// Added latency of each accounting store per request: one admission (the wait before the
// upstream call) and one admission plus settlement. The Redis cases run only when
// POINTSMAN_BENCH_REDIS names a server ("127.0.0.1:PORT") that the caller started.

#include <pointsman/accounting/memory_store.hpp>
#include <pointsman/accounting/redis_store.hpp>
#include <pointsman/accounting/sqlite_store.hpp>

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace {

using namespace pointsman::accounting;

AdmissionRequest typicalRequest() {
  AdmissionRequest request;
  request.reserve = 1'000;
  request.budgets.push_back({"budget:key:bench:day:2026-12-05", "key bench", kNanosPerUsd * 1'000'000, {}});
  request.budgets.push_back({"budget:team:bench:month:2026-12", "team bench", kNanosPerUsd * 1'000'000, {}});
  request.rates.push_back({"rate:key:bench:rpm", "key bench", RateKind::Requests, 1'000'000'000, 1});
  request.rates.push_back({"rate:key:bench:tpm", "key bench", RateKind::Tokens, 1'000'000'000, 100});
  return request;
}

SpendEntry typicalEntry() {
  SpendEntry entry;
  entry.unix_seconds = 1'800'000'000;
  entry.key_name = "bench";
  entry.route = "fast";
  entry.deployment = "mini";
  entry.cost = 900;
  return entry;
}

// Runs one admission (and a settlement when `settle` is set) to completion on `io`.
void runRequest(boost::asio::io_context& io, SpendStore& store, const AdmissionRequest& request, bool settle) {
  const SpendEntry entry = typicalEntry();
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        const auto result = co_await store.admit(request);
        benchmark::DoNotOptimize(result.verdict);
        if (settle) co_await store.settle(request, {900, -10}, entry);
      },
      boost::asio::detached);
  io.restart();
  io.run();
}

void runStore(benchmark::State& state, SpendStore& store, bool settle) {
  boost::asio::io_context io;
  const auto request = typicalRequest();
  for (auto _ : state) runRequest(io, store, request, settle);
}

void BM_MemoryAdmitOnly(benchmark::State& state) {
  MemoryStore store;
  const auto request = typicalRequest();
  for (auto _ : state) benchmark::DoNotOptimize(store.admitNow(request).verdict);
}

void BM_MemoryAdmitAndSettle(benchmark::State& state) {
  MemoryStore store;
  runStore(state, store, true);
}

std::string sqlitePath() {
  const auto path = std::filesystem::temp_directory_path() / ("pointsman-bench-" + std::to_string(::getpid()) + ".db");
  return path.string();
}

void BM_SqliteAdmit(benchmark::State& state) {
  const auto path = sqlitePath();
  {
    SqliteStore store(path);
    runStore(state, store, false);
  }
  std::filesystem::remove(path);
}

void BM_SqliteAdmitAndSettle(benchmark::State& state) {
  const auto path = sqlitePath();
  {
    SqliteStore store(path);
    runStore(state, store, true);
  }
  std::filesystem::remove(path);
}

void redisBench(benchmark::State& state, bool settle) {
  const char* address = std::getenv("POINTSMAN_BENCH_REDIS");
  if (address == nullptr) {
    state.SkipWithError("set POINTSMAN_BENCH_REDIS=127.0.0.1:PORT to a running redis-server");
    return;
  }
  pointsman::telemetry::Registry registry;
  AccountingMetrics metrics(registry);
  pointsman::config::RedisStoreConfig settings;
  settings.address = address;
  RedisStore store(settings, metrics);
  runStore(state, store, settle);
}

void BM_RedisAdmit(benchmark::State& state) { redisBench(state, false); }
void BM_RedisAdmitAndSettle(benchmark::State& state) { redisBench(state, true); }

BENCHMARK(BM_MemoryAdmitOnly);
BENCHMARK(BM_MemoryAdmitAndSettle);
BENCHMARK(BM_SqliteAdmit)->UseRealTime();
BENCHMARK(BM_SqliteAdmitAndSettle)->UseRealTime();
BENCHMARK(BM_RedisAdmit)->UseRealTime();
BENCHMARK(BM_RedisAdmitAndSettle)->UseRealTime();

}  // namespace
