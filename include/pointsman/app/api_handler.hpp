#pragma once

#include <pointsman/analyze/features.hpp>
#include <pointsman/analyze/semantic_embedded_examples.hpp>
#include <pointsman/api/api_error.hpp>
#include <pointsman/app/request_metrics.hpp>
#include <pointsman/app/semantic_embedder.hpp>
#include <pointsman/config/config_store.hpp>
#include <pointsman/http/connection_pool.hpp>
#include <pointsman/http/incoming_request.hpp>
#include <pointsman/http/response_writer.hpp>
#include <pointsman/http/server_state.hpp>
#include <pointsman/telemetry/drift_monitor.hpp>
#include <pointsman/telemetry/gateway_metrics.hpp>
#include <pointsman/telemetry/request_log.hpp>
#include <pointsman/upstream/plan_executor.hpp>

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>

namespace pointsman::app {

struct AccountingState;

/// Shared, process-wide parts the public API handler uses.
struct ApiContext {
  config::ConfigStore& config_store;
  telemetry::GatewayMetrics& metrics;
  http::ServerState& state;
  // The three below are replaced on reload. std::atomic<std::shared_ptr> loads them under a
  // spin bit, where std::atomic_load on a plain shared_ptr took one of libstdc++'s shared mutexes
  // on every request.
  std::atomic<std::shared_ptr<telemetry::RequestLog>> request_log;
  /// The circuit breakers of the current snapshot's deployments.
  std::atomic<std::shared_ptr<const upstream::BreakerSet>> breakers;
  /// The key pools of providers with `api_keys:`.
  std::atomic<std::shared_ptr<const upstream::KeyPoolSet>> key_pools;
  /// Client keys, budgets and rate limits (src/app/accounting_stage.hpp).
  AccountingState* accounting = nullptr;
  /// Feature drift and routing decision counts; null turns drift monitoring off.
  std::shared_ptr<telemetry::DriftMonitor> drift = nullptr;
};

/// The public listener: the OpenAI API under `/v1`, plus `/healthz` and `/readyz`. One instance
/// per worker, holding that worker's connection pool, so the request path takes no lock.
class ApiHandler {
 public:
  explicit ApiHandler(ApiContext& context);

  boost::asio::awaitable<void> handle(http::IncomingRequest& request, http::ResponseWriter& writer);

 private:
  struct RequestScope;

  boost::asio::awaitable<void> dispatch(RequestScope& scope, std::string_view path);
  /// Sends the response to every request that is not an API call: the model list, a 405 for a
  /// wrong method, or a 404.
  boost::asio::awaitable<void> answerOtherRequest(RequestScope& scope, std::string_view path);
  boost::asio::awaitable<void> proxy(RequestScope& scope, std::string_view path_after_v1);
  boost::asio::awaitable<void> listModels(RequestScope& scope, std::string_view model_id);
  boost::asio::awaitable<void> sendError(RequestScope& scope, const api::ApiError& error);
  void record(RequestScope& scope);
  /// Fills `features.semantic` through the route's embeddings encoder (app::SemanticEmbedder).
  boost::asio::awaitable<void> embedSemantic(RequestScope& scope, const analyze::EmbeddedExamples& examples,
                                             std::string_view body, analyze::Features& features);

  ApiContext& context_;
  http::ConnectionPool pool_;
  upstream::PlanExecutor executor_;
  SemanticEmbedder embedder_;
  RequestMetrics request_metrics_;
};

}  // namespace pointsman::app
