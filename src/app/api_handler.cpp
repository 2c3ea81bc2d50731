#include <pointsman/app/api_handler.hpp>

#include "app/accounting_stage.hpp"
#include "app/execution_shape.hpp"
#include "app/request_id.hpp"
#include "app/token_count.hpp"

#include <pointsman/admin/admin_handler.hpp>
#include <pointsman/api/anthropic/messages_error_writer.hpp>
#include <pointsman/api/anthropic/messages_request.hpp>
#include <pointsman/api/models_list.hpp>
#include <pointsman/api/request_view.hpp>
#include <pointsman/http/gzip.hpp>
#include <pointsman/analyze/route_analyzers.hpp>
#include <pointsman/route/route_resolver.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <spdlog/spdlog.h>

namespace pointsman::app {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

/// Everything one request carries through the pipeline.
struct ApiHandler::RequestScope {
  http::IncomingRequest& request;
  http::ResponseWriter& writer;
  std::shared_ptr<const config::Config> config;
  std::string request_id;
  http::HeaderList base_headers;
  telemetry::RequestRecord record;
  upstream::ExecutionOutcome outcome;
  double upstream_wait_seconds = 0;
  RequestAccounting accounting;
};

namespace {

/// Decodes a compressed request body in place; nothing to do for identity.
std::optional<api::ApiError> decodeRequestBody(http::RequestMessage& message, std::size_t limit) {
  const auto encoding = message.header("content-encoding");
  if (encoding.empty() || encoding == "identity") return std::nullopt;
  if (encoding != "gzip" && encoding != "deflate") {
    return api::ApiError::unsupportedMediaType("Content-Encoding `" + std::string(encoding) +
                                               "` is not supported; send identity, gzip or deflate.");
  }
  auto plain = http::gunzip(message.body(), limit);
  if (!plain) {
    return api::ApiError{413, "The decompressed request body is corrupt or larger than the limit of " +
                                  std::to_string(limit) + " bytes.",
                         "invalid_request_error", {}, "request_too_large", {}};
  }
  message.body() = std::move(*plain);
  message.fields().erase("content-encoding");
  return std::nullopt;
}

const config::RetryConfig& retryConfigFor(const config::Config& config, const std::string& route) {
  const auto found = config.routes.find(route);
  if (found != config.routes.end() && found->second.retry) return *found->second.retry;
  return config.resilience.retry;
}

std::optional<upstream::BalanceStrategy> balanceStrategyFor(const std::string& name) {
  if (name == "weighted") return upstream::BalanceStrategy::WeightedRandom;
  if (name == "least_outstanding") return upstream::BalanceStrategy::LeastOutstanding;
  if (name == "lowest_latency") return upstream::BalanceStrategy::LowestLatency;
  return std::nullopt;
}

/// The request's overall deadline: the route's `timeout_ms` (else `resilience.request_timeout_ms`),
/// shortened by the client's `x-pointsman-timeout-ms` when it sent a smaller positive number.
Clock::time_point deadlineFor(const config::Config& config, const std::string& route, const http::RequestMessage& message,
                              Clock::time_point received_at) {
  auto timeout = config.resilience.request_timeout;
  const auto found = config.routes.find(route);
  if (found != config.routes.end() && found->second.timeout.count() > 0) timeout = found->second.timeout;

  const auto header = message.header("x-pointsman-timeout-ms");
  long long client_ms = 0;
  const auto [end, error] = std::from_chars(header.data(), header.data() + header.size(), client_ms);
  if (!header.empty() && error == std::errc() && end == header.data() + header.size() && client_ms > 0 &&
      (timeout.count() == 0 || client_ms < timeout.count())) {
    timeout = std::chrono::milliseconds(client_ms);
  }
  return timeout.count() > 0 ? received_at + timeout : Clock::time_point::max();
}

route::HeaderLookup headerLookupFor(const http::RequestMessage& message) {
  return [&message](std::string_view name) { return message.fields().find(name); };
}

/// Runs the analyzers on a chat request whose route has a policy to feed; other requests skip
/// the cost and get empty features.
analyze::Features featuresFor(const config::Config& config, api::Endpoint endpoint, const std::string& model,
                              std::string_view body) {
  const auto route = config.routes.find(model);
  const bool has_policy = route != config.routes.end() && (route->second.otherwise || !route->second.rules.empty());
  if (endpoint != api::Endpoint::ChatCompletions || !has_policy) return {};
  return analyze::analyzeForRoute(config, model, body);
}

/// The route's examples for its embeddings encoder; null when the route has none or the
/// request is not a chat completion.
const analyze::EmbeddedExamples* embeddedExamplesFor(const config::Config& config, api::Endpoint endpoint,
                                                     const std::string& model) {
  if (endpoint != api::Endpoint::ChatCompletions || !config.loaded_analyzers) return nullptr;
  return config.loaded_analyzers->embeddedExamples(model);
}

/// Feeds one policy-routed request to drift monitoring. Route and deployment names come from
/// the config, so they are safe metric labels.
void observeDrift(telemetry::DriftMonitor& drift, const analyze::Features& features, const route::Plan& plan) {
  using telemetry::DriftFeature;
  const auto observe = [&drift](DriftFeature feature, double value) {
    drift.observe(static_cast<std::size_t>(feature), value);
  };
  observe(DriftFeature::PromptTokens, static_cast<double>(features.estimated_prompt_tokens));
  observe(DriftFeature::Task, static_cast<double>(features.task));
  observe(DriftFeature::TaskConfidence, features.task_confidence);
  observe(DriftFeature::Pii, features.pii.any() ? 1.0 : 0.0);
  if (features.complexity) observe(DriftFeature::Complexity, *features.complexity);
  if (features.semantic) observe(DriftFeature::SemanticSimilarity, features.semantic->similarity);
  drift.countDecision(plan.route, plan.candidates.front().deployment->name);
}

// Only exact paths match, so spellings like `//admin` or `/v1/../metrics` fall to 404.
bool isApiPath(std::string_view path) {
  return path.starts_with("/v1/") && path.find("..") == std::string_view::npos &&
         path.find("//") == std::string_view::npos && path.find('%') == std::string_view::npos;
}

bool isModelsPath(std::string_view path) {
  return path.starts_with("/v1/models") && (path == "/v1/models" || path.starts_with("/v1/models/"));
}

}  // namespace

ApiHandler::ApiHandler(ApiContext& context)
    : context_(context), executor_(pool_, context.metrics), embedder_(executor_), request_metrics_(context.metrics) {}

asio::awaitable<void> ApiHandler::embedSemantic(RequestScope& scope, const analyze::EmbeddedExamples& examples,
                                                std::string_view body, analyze::Features& features) {
  // Held here, so a reload during the call cannot free them.
  const auto breakers = context_.breakers.load();
  const auto key_pools = context_.key_pools.load();
  upstream::ExecutionRequest upstream;
  upstream.client_request = &scope.request.message;
  upstream.request_id = scope.request_id;
  upstream.received_at = scope.request.received_at;
  upstream.breakers = breakers.get();
  upstream.key_pools = key_pools.get();
  if (context_.accounting) upstream.shared_limits = context_.accounting->deployment_limits.get();
  co_await embedder_.embed(*scope.config, examples, body, upstream, features);
}

asio::awaitable<void> ApiHandler::handle(http::IncomingRequest& request, http::ResponseWriter& writer) {
  const std::string_view target = request.message.target();
  const auto path = target.substr(0, target.find('?'));
  // The Anthropic front door gets every error in the Anthropic shape.
  api::anthropic::MessagesErrorWriter messages_writer(writer);
  const bool front_door = path == "/v1/messages" || path == "/v1/messages/count_tokens";
  http::ResponseWriter& client_writer = front_door ? static_cast<http::ResponseWriter&>(messages_writer) : writer;
  RequestScope scope{request, client_writer, context_.config_store.current(), {}, {}, {}, {}, {}, {}};
  scope.request_id = requestIdFor(request.message.header("x-request-id"));
  scope.base_headers.emplace_back("x-request-id", scope.request_id);
  scope.record.request_id = scope.request_id;
  scope.record.endpoint = "other";

  if (admin::isHealthProbePath(path)) {
    co_await admin::answerHealthProbe(path, context_.state, scope.base_headers, writer);
    co_return;
  }

  // Past the in-flight limit a quick 503 protects the requests already admitted.
  const auto max_in_flight = scope.config->resilience.max_in_flight;
  if (max_in_flight > 0 && context_.state.requests_in_flight.load() >= static_cast<std::int64_t>(max_in_flight)) {
    context_.metrics.requests_shed.increment();
    const api::ApiError error{503, "The gateway is at its limit of " + std::to_string(max_in_flight) +
                                       " requests in flight. Retry after the given delay.",
                              "server_error", {}, "overloaded", "1"};
    co_await sendError(scope, error);
    record(scope);
    co_return;
  }

  context_.metrics.requests_in_flight.add(1);
  context_.state.requests_in_flight.fetch_add(1);
  // Nothing thrown inside one request may end the connection without an answer or leave the
  // in-flight count high (which would stall the drain), so the dispatch is fenced here.
  std::string failure;
  try {
    co_await dispatch(scope, path);
  } catch (const std::exception& exception) {
    failure = exception.what();
  }
  if (!failure.empty()) {
    spdlog::error("req={} internal error while handling {}: {}", scope.request_id, path, failure);
    if (!writer.headersSent()) {
      const api::ApiError error{500, "Internal error in the gateway; the request id is " + scope.request_id + ".",
                                "server_error", {}, "internal_error", {}};
      co_await sendError(scope, error);
    } else {
      co_await writer.endStream();
    }
  }

  record(scope);
  context_.state.requests_in_flight.fetch_sub(1);
  context_.metrics.requests_in_flight.add(-1);
}

asio::awaitable<void> ApiHandler::dispatch(RequestScope& scope, std::string_view path) {
  // This is not a coroutine, so an API call goes to proxy() without a coroutine frame of its own.
  if (scope.request.message.method() == "POST" && isApiPath(path) && !isModelsPath(path)) {
    return proxy(scope, path.substr(3));
  }
  return answerOtherRequest(scope, path);
}

asio::awaitable<void> ApiHandler::answerOtherRequest(RequestScope& scope, std::string_view path) {
  const auto& message = scope.request.message;
  const bool is_get = message.method() == "GET";

  if (isModelsPath(path)) {
    if (is_get) {
      const auto model_id = path.size() > 11 ? path.substr(11) : std::string_view();
      co_await listModels(scope, model_id);
    } else {
      co_await sendError(scope, api::ApiError::methodNotAllowed(message.method(), std::string(path), "GET"));
    }
  } else if (isApiPath(path)) {
    const auto endpoint = api::endpointForPath(path.substr(3));
    if (endpoint != api::Endpoint::Passthrough) {
      co_await sendError(scope, api::ApiError::methodNotAllowed(message.method(), std::string(path), "POST"));
    } else {
      co_await sendError(scope, api::ApiError::notFound(std::string(path)));
    }
  } else {
    co_await sendError(scope, api::ApiError::notFound(std::string(path)));
  }
}

asio::awaitable<void> ApiHandler::proxy(RequestScope& scope, std::string_view path_after_v1) {
  auto& message = scope.request.message;
  const bool counting = path_after_v1 == "/messages/count_tokens";
  const bool front_door = path_after_v1 == "/messages" || counting;
  const auto endpoint = front_door ? api::Endpoint::ChatCompletions : api::endpointForPath(path_after_v1);
  scope.record.endpoint = counting ? "count_tokens" : std::string(api::endpointName(endpoint));

  if (auto error = authenticate(*context_.accounting, *scope.config, message, scope.accounting)) {
    co_return co_await sendError(scope, *error);
  }
  if (auto error = decodeRequestBody(message, scope.config->server.max_body_bytes)) {
    co_return co_await sendError(scope, *error);
  }
  // The Anthropic front door routes and validates the OpenAI chat request it translates to.
  std::string chat_body;
  if (front_door) {
    auto translated = counting ? chatRequestForCounting(message.body()) : api::anthropic::toChatRequest(message.body());
    if (auto* error = std::get_if<api::ApiError>(&translated)) co_return co_await sendError(scope, *error);
    chat_body = std::move(std::get<std::string>(translated));
  }
  // Admission may rewrite the body it reads (to ask for stream usage), so on the front door it
  // reads and rewrites the chat request, never the Anthropic body that may pass through.
  std::string& body = front_door ? chat_body : message.body();
  auto parsed = api::parseRequest(endpoint, body);
  if (auto* error = std::get_if<api::ApiError>(&parsed)) co_return co_await sendError(scope, *error);
  const auto& view = std::get<api::RequestView>(parsed);

  const auto& model = view.model;
  scope.record.requested_model = model;
  analyze::Features features = featuresFor(*scope.config, endpoint, model, body);
  if (const auto* examples = embeddedExamplesFor(*scope.config, endpoint, model)) {
    co_await embedSemantic(scope, *examples, body, features);
  }
  const route::RouteInput route_input{&features, &scope.accounting.view, headerLookupFor(message), body};
  auto resolved = route::resolvePlan(*scope.config, model, route_input);
  if (auto* error = std::get_if<api::ApiError>(&resolved)) co_return co_await sendError(scope, *error);
  auto& plan = std::get<route::Plan>(resolved);
  if (auto error = authorizePlan(scope.accounting, plan)) co_return co_await sendError(scope, *error);
  scope.record.route = plan.route;
  scope.record.policy = plan.policy;
  scope.record.decision = plan.decision;
  if (!plan.trace.decided_by.empty()) scope.record.decision_trace = plan.trace.toJson().dump();
  if (context_.drift && !plan.trace.decided_by.empty()) observeDrift(*context_.drift, features, plan);
  if (counting && !keepAnthropicCandidates(plan)) {
    scope.record.status = 200;
    auto headers = scope.base_headers;
    headers.emplace_back("x-pointsman-route", plan.requested_model);
    co_return co_await sendEstimatedCount(scope.writer, std::move(headers), body);
  }

  const bool stream = api::endpointStreams(endpoint) && view.stream;
  scope.record.stream = stream;

  upstream::ExecutionRequest execution;
  execution.endpoint = endpoint;
  execution.upstream_path = front_door ? "/chat/completions" : std::string(path_after_v1);
  execution.stream = stream;
  execution.body = &body;
  execution.body_model = model;
  if (front_door) {
    execution.client_format = api::WireFormat::Anthropic;
    execution.messages_body = &message.body();
    execution.messages_path = counting ? "/v1/messages/count_tokens" : "/v1/messages";
  }
  execution.client_request = &message;
  execution.request_id = scope.request_id;
  execution.received_at = scope.request.received_at;
  execution.plan = &plan;
  const auto breakers = context_.breakers.load();
  execution.breakers = breakers.get();
  const auto key_pools = context_.key_pools.load();
  execution.key_pools = key_pools.get();
  execution.retry = upstream::retryPolicyFrom(retryConfigFor(*scope.config, plan.route));
  if (const auto route = scope.config->routes.find(plan.route); route != scope.config->routes.end()) {
    execution.balance = balanceStrategyFor(route->second.balance);
    execution.weights = &route->second.weights;
    applyExecutionShape(*scope.config, route->second, *breakers, plan.on_premises_only, execution);
  }
  applyCascade(*scope.config, plan, features, body, execution);
  if (context_.accounting) execution.shared_limits = context_.accounting->deployment_limits.get();
  // Routes that need no analysis have no estimate; a byte count is close enough to spread load.
  execution.estimated_prompt_tokens = features.estimated_prompt_tokens > 0
                                          ? static_cast<std::uint64_t>(features.estimated_prompt_tokens)
                                          : std::max<std::uint64_t>(1, body.size() / 4);
  execution.deadline = deadlineFor(*scope.config, plan.route, message, scope.request.received_at);
  execution.stream_keepalive = scope.config->server.stream_keepalive;
  // NOTE: count_tokens requests skip admission and settlement, because providers do not bill
  // them, so the request and token rate limits do not count them either.
  if (!counting) {
    prepareAccounting(scope.config, view, body, scope.accounting, execution);
    // Only a keyed caller has budgets and rate limits, and skipping the call saves a coroutine frame.
    if (scope.accounting.principal != nullptr) {
      auto admission_error = co_await admit(*context_.accounting, *scope.config, plan, scope.accounting,
                                            scope.base_headers);
      if (admission_error) co_return co_await sendError(scope, *admission_error);
    }
  }
  execution.response_headers = scope.base_headers;
  execution.response_headers.emplace_back("x-pointsman-route", plan.requested_model);
  execution.response_headers.emplace_back("x-pointsman-decision", plan.decision);

  scope.outcome = co_await executor_.execute(execution, scope.writer);
  scope.record.status = scope.outcome.status;
  scope.record.deployment = scope.outcome.deployment;
  if (!counting) co_await settle(*context_.accounting, *scope.config, scope.accounting, scope.outcome, scope.record);
  if (!scope.outcome.strategy_trace.empty()) scope.record.decision += " steps: " + scope.outcome.strategy_trace;
}

asio::awaitable<void> ApiHandler::listModels(RequestScope& scope, std::string_view model_id) {
  const auto& config = *scope.config;
  std::vector<api::ModelEntry> entries;
  for (const auto& [name, route] : config.routes) entries.push_back({name, "pointsman"});
  for (const auto& [name, deployment] : config.models) {
    const auto provider = config.providers.find(deployment.provider);
    if (provider != config.providers.end() && provider->second.enabled) entries.push_back({name, deployment.provider});
  }

  auto headers = scope.base_headers;
  headers.emplace_back("content-type", "application/json");
  scope.record.endpoint = "models";
  if (model_id.empty()) {
    scope.record.status = 200;
    co_await scope.writer.sendResponse(200, std::move(headers), api::modelsListBody(entries));
    co_return;
  }
  for (const auto& entry : entries) {
    if (entry.id != model_id) continue;
    scope.record.status = 200;
    co_await scope.writer.sendResponse(200, std::move(headers), api::modelBody(entry));
    co_return;
  }
  co_await sendError(scope, api::ApiError::modelNotFound(std::string(model_id)));
}

asio::awaitable<void> ApiHandler::sendError(RequestScope& scope, const api::ApiError& error) {
  auto headers = scope.base_headers;
  headers.emplace_back("content-type", "application/json");
  if (!error.retry_after.empty()) headers.emplace_back("retry-after", error.retry_after);
  if (!error.allow.empty()) headers.emplace_back("allow", error.allow);
  scope.record.status = error.status;
  scope.record.error = error.message;
  co_await scope.writer.sendResponse(error.status, std::move(headers), error.body());
}

void ApiHandler::record(RequestScope& scope) {
  auto& record = scope.record;
  const auto& outcome = scope.outcome;
  const double total_seconds = std::chrono::duration<double>(Clock::now() - scope.request.received_at).count();

  record.attempts = static_cast<int>(outcome.attempts.size());
  record.flags = outcome.flags;
  record.upstream_request_id = outcome.upstream_request_id;
  if (!outcome.error_message.empty()) record.error = outcome.error_message;
  if (record.status == 0) record.status = scope.writer.clientGone() ? 499 : 500;
  record.total_ms = total_seconds * 1000;
  const double overhead_seconds = std::max(0.0, total_seconds - outcome.upstream_wait_seconds);
  record.overhead_us = overhead_seconds * 1e6;
  if (outcome.time_to_first_token_seconds) record.time_to_first_token_ms = *outcome.time_to_first_token_seconds * 1000;
  if (outcome.usage) {
    record.prompt_tokens = outcome.usage->prompt_tokens;
    record.completion_tokens = outcome.usage->completion_tokens;
    record.cached_prompt_tokens = outcome.usage->cached_prompt_tokens;
  }

  FinishedRequest finished;
  finished.route_label = record.route;
  if (record.route.empty()) finished.route_label = record.deployment.empty() ? "(none)" : "(direct)";
  finished.deployment_label = record.deployment.empty() ? std::string_view("(none)") : record.deployment;
  finished.status = record.status;
  finished.total_seconds = total_seconds;
  finished.time_to_first_token_seconds = outcome.time_to_first_token_seconds;
  if (outcome.usage) {
    finished.prompt_tokens = outcome.usage->prompt_tokens;
    finished.completion_tokens = outcome.usage->completion_tokens;
  }
  request_metrics_.record(finished);
  context_.metrics.gateway_overhead.observe(overhead_seconds);

  // Passed as a plain string, the line skips spdlog's format step: it is complete already.
  if (scope.config->telemetry.access_log) spdlog::info(telemetry::formatAccessLine(record));
  if (auto log = context_.request_log.load()) log->write(record);
}

}  // namespace pointsman::app
