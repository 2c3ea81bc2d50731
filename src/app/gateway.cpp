#include <pointsman/app/gateway.hpp>

#include "app/accounting_admin_view.hpp"
#include "app/accounting_stage.hpp"
#include "app/logging.hpp"
#include "app/worker.hpp"

#include <pointsman/admin/admin_handler.hpp>
#include <pointsman/analyze/drift_reference.hpp>
#include <pointsman/analyze/route_analyzers.hpp>
#include <pointsman/config/config_store.hpp>
#include <pointsman/config/loader.hpp>
#include <pointsman/http/url.hpp>
#include <pointsman/upstream/health_checker.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

/// Writes the profile of a build made with -fprofile-generate (libgcov), and is null elsewhere.
extern "C" void __gcov_dump() __attribute__((weak));

namespace pointsman::app {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

config::LoadResult loadWithOverrides(const ServeOptions& options) {
  auto result = config::loadConfigFile(options.config_path);
  analyze::loadRouteAnalyzers(result);
  if (!result.ok() || (options.listen.empty() && options.admin_listen.empty())) return result;

  auto adjusted = std::make_shared<config::Config>(*result.config);
  if (!options.listen.empty()) adjusted->server.listen = options.listen;
  if (!options.admin_listen.empty()) adjusted->server.admin_listen = options.admin_listen;
  result.config = std::move(adjusted);
  return result;
}

tcp::endpoint endpointFor(const std::string& address) {
  const auto host_port = http::parseHostPort(address);
  const auto host = host_port->first == "localhost" ? std::string("127.0.0.1") : host_port->first;
  return {asio::ip::make_address(host), host_port->second};
}

http::ConnectionLimits limitsFor(const config::ServerConfig& server) {
  return {server.max_header_bytes, server.max_body_bytes, server.header_timeout, server.body_timeout,
          server.idle_timeout};
}

std::string describe(const tcp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

/// Opens a listener, turning a bind failure into a message that names the listener and address.
std::unique_ptr<http::Listener> listenOn(const std::string& which, asio::io_context& io, const tcp::endpoint& endpoint,
                                         bool reuse_port, http::RequestHandler handler, http::ConnectionLimits limits,
                                         http::ConnectionBudget& budget, asio::ssl::context* tls) {
  try {
    return std::make_unique<http::Listener>(io, endpoint, reuse_port, std::move(handler), limits, budget, tls);
  } catch (const boost::system::system_error& error) {
    throw std::runtime_error("cannot open the " + which + " on " + describe(endpoint) + ": " +
                             error.code().message() + "; stop what uses that address or choose another one");
  }
}

/// Copies into `next` the server settings that a running process cannot change (its sockets,
/// workers and connection limits are already set up) and returns the names of those that differed,
/// so `/admin/config` shows what is in force.
std::vector<std::string> keepRestartOnlySettings(const config::ServerConfig& running, config::ServerConfig& next) {
  std::vector<std::string> changed;
  const auto keep = [&changed](const char* name, auto& next_value, const auto& running_value) {
    if (next_value != running_value) changed.emplace_back(name);
    next_value = running_value;
  };
  const auto tlsFiles = [](const std::optional<config::TlsFiles>& tls) {
    return tls ? tls->cert_file + "\n" + tls->key_file : std::string();
  };
  keep("listen", next.listen, running.listen);
  keep("admin_listen", next.admin_listen, running.admin_listen);
  if (tlsFiles(next.tls) != tlsFiles(running.tls)) changed.emplace_back("tls");
  next.tls = running.tls;
  if (tlsFiles(next.admin_tls) != tlsFiles(running.admin_tls)) changed.emplace_back("admin_tls");
  next.admin_tls = running.admin_tls;
  keep("workers", next.workers, running.workers);
  keep("max_body_bytes", next.max_body_bytes, running.max_body_bytes);
  keep("max_header_bytes", next.max_header_bytes, running.max_header_bytes);
  keep("max_connections", next.max_connections, running.max_connections);
  keep("header_timeout_ms", next.header_timeout, running.header_timeout);
  keep("body_timeout_ms", next.body_timeout, running.body_timeout);
  keep("idle_timeout_ms", next.idle_timeout, running.idle_timeout);
  return changed;
}

class Gateway {
 public:
  Gateway(ServeOptions options, std::shared_ptr<const config::Config> initial)
      : options_(std::move(options)),
        store_(initial),
        metrics_(registry_),
        context_{store_, metrics_, state_, std::make_shared<telemetry::RequestLog>(initial->telemetry.request_log),
                 upstream::BreakerSet::build(*initial, nullptr), upstream::KeyPoolSet::build(*initial)},
        admin_handler_(store_, registry_, state_) {
    accounting_ = makeAccountingState(*initial, registry_);
    context_.accounting = accounting_.get();
    accounting_admin_ = std::make_unique<AccountingAdminView>(*accounting_);
    admin_handler_.attachAccounting(accounting_admin_.get());
    // Drift settings are read at start only: a reload keeps the running monitor and its windows.
    context_.drift = std::make_shared<telemetry::DriftMonitor>(registry_, analyze::driftFeaturesFor(*initial),
                                                              analyze::driftOptionsFor(*initial));
  }

  int run() {
    const auto config = store_.current();
    startWorkers(*config);
    writeReadyFile();
    state_.ready = true;

    asio::io_context signal_io{1};
    asio::signal_set signals(signal_io, SIGTERM, SIGINT, SIGHUP);
    waitForSignal(signals);
    if (accounting_->store_name == "redis") {
      key_sync_timer_ = std::make_unique<asio::steady_timer>(signal_io);
      scheduleKeySync();
    }
    signal_io.run();
    key_sync_timer_.reset();

    for (auto& worker : workers_) worker->thread.join();
    spdlog::info("pointsman stopped");
    return 0;
  }

 private:
  void startWorkers(const config::Config& config) {
    const unsigned count = config.server.workers > 0 ? static_cast<unsigned>(config.server.workers)
                                                     : std::max(1u, std::thread::hardware_concurrency());
    if (config.server.tls) public_tls_ = http::makeServerTlsContext(config.server.tls->cert_file, config.server.tls->key_file);
    if (config.server.admin_tls) {
      admin_tls_ = http::makeServerTlsContext(config.server.admin_tls->cert_file, config.server.admin_tls->key_file);
    }
    budget_.max = config.server.max_connections;
    admin_budget_.max = 64;

    auto public_endpoint = endpointFor(config.server.listen);
    for (unsigned index = 0; index < count; ++index) {
      auto worker = std::make_unique<Worker>(context_);
      auto* api_handler = &worker->api_handler;
      auto handler = [api_handler](http::IncomingRequest& request, http::ResponseWriter& writer) {
        return api_handler->handle(request, writer);
      };
      worker->listeners.push_back(listenOn("public listener (server.listen)", worker->io, public_endpoint, true, handler,
                                           limitsFor(config.server), budget_, public_tls_.get()));
      // Port 0 is resolved by the first bind; the other workers join that port.
      public_endpoint = worker->listeners.back()->localEndpoint();
      workers_.push_back(std::move(worker));
    }
    public_address_ = describe(public_endpoint);

    auto admin_handler = [this](http::IncomingRequest& request, http::ResponseWriter& writer) {
      return admin_handler_.handle(request, writer);
    };
    auto& admin_worker = *workers_.front();
    admin_worker.listeners.push_back(listenOn("admin listener (server.admin_listen)", admin_worker.io,
                                              endpointFor(config.server.admin_listen), false, admin_handler,
                                              limitsFor(config.server), admin_budget_, admin_tls_.get()));
    admin_address_ = describe(admin_worker.listeners.back()->localEndpoint());

    // Active health checks run on the first worker's loop, beside the admin listener.
    health_checker_ = std::make_unique<upstream::HealthChecker>(
        [this] { return store_.current(); }, [this] { return context_.breakers.load(); }, metrics_);
    health_checker_->start(admin_worker.io.get_executor());

    for (auto& worker : workers_) {
      for (auto& listener : worker->listeners) listener->start();
      worker->thread = std::thread([io = &worker->io] { io->run(); });
    }
    spdlog::info("pointsman {} listening on {} (admin {}) with {} workers", POINTSMAN_VERSION, public_address_,
                 admin_address_, count);
    if (config.admin.token.empty()) {
      // The loader allows this only on a loopback admin address.
      spdlog::warn("no admin token is set: anyone who can reach {} may read /metrics and use /admin/; set admin.token "
                   "for anything but local development", admin_address_);
    }
  }

  void writeReadyFile() const {
    if (options_.ready_file.empty()) return;
    const auto temporary = options_.ready_file + ".tmp";
    std::ofstream(temporary) << R"({"public":")" << public_address_ << R"(","admin":")" << admin_address_ << "\"}\n";
    std::rename(temporary.c_str(), options_.ready_file.c_str());
  }

  void waitForSignal(asio::signal_set& signals) {
    signals.async_wait([this, &signals](const boost::system::error_code& error, int signal_number) {
      if (error) return;
      if (signal_number == SIGHUP) {
        reload();
        waitForSignal(signals);
        return;
      }
      spdlog::info("received signal {}; draining requests in flight (deadline {} ms)", signal_number,
                   store_.current()->server.drain_timeout.count());
      drain(signals.get_executor());
    });
  }

  // Replicas that share a Redis store pick up keys made or revoked through another replica's
  // admin API within this interval. The sync blocks this signal thread, never a worker.
  static constexpr std::chrono::seconds kKeySyncInterval{5};

  void scheduleKeySync() {
    key_sync_timer_->expires_after(kKeySyncInterval);
    key_sync_timer_->async_wait([this](const boost::system::error_code& error) {
      if (error) return;
      syncStoredKeys(*accounting_, *store_.current());
      scheduleKeySync();
    });
  }

  /// Opens the request log file again, so a rotation tool can rename the file and send SIGHUP,
  /// as it does for nginx. Requests in flight finish on the old file. On failure the old log stays.
  void reopenRequestLog(const std::string& path) {
    try {
      context_.request_log.store(std::make_shared<telemetry::RequestLog>(path));
    } catch (const std::exception& error) {
      spdlog::error("config reload: cannot open the request log {}: {}; writing to the open one", path, error.what());
    }
  }

  void reload() {
    auto result = loadWithOverrides(options_);
    if (!result.ok()) {
      reopenRequestLog(store_.current()->telemetry.request_log);
      metrics_.config_reload_failures.increment();
      metrics_.config_last_reload_success.set(0);
      std::string problems;
      for (const auto& error : result.errors) problems += (problems.empty() ? "" : "; ") + error.toString();
      spdlog::error("config reload rejected, keeping the running config: {}", problems);
      return;
    }

    const auto previous = store_.current();
    auto next = std::make_shared<config::Config>(*result.config);
    const auto kept = keepRestartOnlySettings(previous->server, next->server);
    if (!kept.empty()) {
      spdlog::warn("config reload: server.{} changed; these take effect only after a restart, and the running "
                   "values stay in force", fmt::join(kept, ", server."));
    }
    result.config = next;
    for (const auto& warning : result.warnings) spdlog::warn("{}", warning);
    reopenRequestLog(result.config->telemetry.request_log);
    setLogLevel(result.config->telemetry.log_level);
    context_.breakers.store(upstream::BreakerSet::build(*result.config, context_.breakers.load().get()));
    context_.key_pools.store(upstream::KeyPoolSet::build(*result.config));
    reloadKeys(*accounting_, *result.config);
    store_.replace(result.config);
    metrics_.config_reloads.increment();
    metrics_.config_last_reload_success.set(1);
    spdlog::info("config reloaded from {}: {} providers, {} deployments, {} routes", options_.config_path,
                 result.config->providers.size(), result.config->models.size(), result.config->routes.size());
  }

  void drain(asio::any_io_executor executor) {
    state_.draining = true;
    if (key_sync_timer_) key_sync_timer_->cancel();
    for (auto& worker : workers_) {
      asio::post(worker->io, [listeners = &worker->listeners] {
        for (auto& listener : *listeners) listener->stopAccepting();
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + store_.current()->server.drain_timeout;
    drain_timer_ = std::make_unique<asio::steady_timer>(executor);
    pollDrain(deadline);
  }

  void pollDrain(std::chrono::steady_clock::time_point deadline) {
    const auto in_flight = state_.requests_in_flight.load();
    if (in_flight == 0 || std::chrono::steady_clock::now() >= deadline) {
      if (in_flight > 0) spdlog::warn("drain deadline passed with {} requests in flight; stopping", in_flight);
      for (auto& worker : workers_) worker->io.stop();
      return;
    }
    drain_timer_->expires_after(std::chrono::milliseconds(20));
    drain_timer_->async_wait([this, deadline](const boost::system::error_code&) { pollDrain(deadline); });
  }

  ServeOptions options_;
  config::ConfigStore store_;
  telemetry::Registry registry_;
  telemetry::GatewayMetrics metrics_;
  http::ServerState state_;
  ApiContext context_;
  std::unique_ptr<AccountingState> accounting_;
  std::unique_ptr<AccountingAdminView> accounting_admin_;
  admin::AdminHandler admin_handler_;
  http::ConnectionBudget budget_;
  http::ConnectionBudget admin_budget_;
  std::unique_ptr<asio::ssl::context> public_tls_;
  std::unique_ptr<asio::ssl::context> admin_tls_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<asio::steady_timer> drain_timer_;
  std::unique_ptr<asio::steady_timer> key_sync_timer_;
  std::unique_ptr<upstream::HealthChecker> health_checker_;
  std::string public_address_;
  std::string admin_address_;
};

}  // namespace

int runGateway(const ServeOptions& options) {
  auto result = loadWithOverrides(options);
  configureLogging(result.ok() ? result.config->telemetry.log_level : "info");
  if (!result.ok()) {
    for (const auto& error : result.errors) spdlog::error("config: {}", error.toString());
    spdlog::error("pointsman cannot start: {} problem(s) in {}", result.errors.size(), options.config_path);
    return 1;
  }
  for (const auto& warning : result.warnings) spdlog::warn("{}", warning);

  // A client that goes away mid-write must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    // The Gateway is never destroyed: coroutine frames of idle connections still sit in the
    // stopped io_contexts, and tearing those down after their listeners and pools is unsafe.
    // Requests were drained, logs are flushed, and the kernel reclaims the rest.
    auto* gateway = new Gateway(options, result.config);
    const int exit_code = gateway->run();
    spdlog::shutdown();
    std::fflush(nullptr);
    // _Exit skips the exit handlers, so a build that records a profile for profile-guided
    // optimization writes it here. Other builds leave this symbol undefined.
    if (__gcov_dump != nullptr) __gcov_dump();
    std::_Exit(exit_code);
  } catch (const std::exception& exception) {
    spdlog::error("pointsman cannot start: {}", exception.what());
    return 1;
  }
}

int checkConfig(const std::string& path) {
  auto result = config::loadConfigFile(path);
  analyze::loadRouteAnalyzers(result);
  for (const auto& warning : result.warnings) std::cout << "warning: " << warning << "\n";
  if (!result.ok()) {
    for (const auto& error : result.errors) std::cout << error.toString() << "\n";
    std::cout << result.errors.size() << " problem(s) in " << path << "\n";
    return 1;
  }
  std::cout << path << " is valid: " << result.config->providers.size() << " providers, "
            << result.config->models.size() << " deployments, " << result.config->routes.size() << " routes\n";
  return 0;
}

}  // namespace pointsman::app
