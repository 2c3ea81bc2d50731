#pragma once

#include <pointsman/api/endpoint.hpp>
#include <pointsman/api/usage.hpp>
#include <pointsman/http/connection_pool.hpp>
#include <pointsman/http/incoming_request.hpp>
#include <pointsman/http/response_writer.hpp>
#include <pointsman/route/plan.hpp>
#include <pointsman/telemetry/gateway_metrics.hpp>
#include <pointsman/upstream/breaker_set.hpp>
#include <pointsman/upstream/key_pool.hpp>
#include <pointsman/upstream/load_balancer.hpp>
#include <pointsman/upstream/retry_policy.hpp>
#include <pointsman/upstream/upstream_call.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace pointsman::upstream {

/// The request as the executor sees it: candidates, body and limits, but no routing policy.
struct ExecutionRequest {
  api::Endpoint endpoint = api::Endpoint::ChatCompletions;
  /// Appended to the provider's base path, e.g. "/chat/completions".
  std::string upstream_path;
  bool stream = false;
  /// The client's body exactly as received (decoded when it came compressed).
  const std::string* body = nullptr;
  const http::RequestMessage* client_request = nullptr;
  std::string request_id;
  /// When the gateway had read the whole request; time to first token counts from here.
  Clock::time_point received_at = Clock::now();
  const route::Plan* plan = nullptr;
  /// The route's retry policy and the snapshot's breakers; null breakers mean none are kept.
  RetryPolicy retry;
  const BreakerSet* breakers = nullptr;
  /// The balancing strategy that picks the first attempt among the candidates; nothing keeps
  /// their order.
  std::optional<BalanceStrategy> balance;
  /// Weights for BalanceStrategy::WeightedRandom, by deployment name; unlisted ones weigh 1.
  const std::map<std::string, double>* weights = nullptr;
  /// The snapshot's provider key pools; null when none is configured.
  const KeyPoolSet* key_pools = nullptr;
  /// The request's overall deadline: no attempt or backoff runs past it.
  Clock::time_point deadline = Clock::time_point::max();
  std::chrono::milliseconds stream_keepalive{10'000};
  /// Headers every answer carries (request id, route, decision); the executor adds the
  /// deployment and the attempt count.
  http::HeaderList response_headers;
};

struct AttemptRecord {
  std::string deployment;
  std::string outcome;  // "ok" or outcomeName()
  unsigned status = 0;
};

/// What happened: the status the client got, who answered, every attempt, and the numbers the
/// access line and the metrics need.
struct ExecutionOutcome {
  unsigned status = 0;
  std::string deployment;  // the deployment that answered, or the last one tried
  std::vector<AttemptRecord> attempts;
  std::string flags;  // short access-log flags, e.g. "UF,RX"
  std::optional<api::Usage> usage;
  std::optional<double> time_to_first_token_seconds;
  std::string upstream_request_id;
  std::string error_message;
  double upstream_wait_seconds = 0;
  bool client_gone = false;
};

/// Runs a plan: tries its candidates in order, fails over before the commit point, and writes
/// the answer (JSON or a relayed stream) to the client.
class PlanExecutor {
 public:
  PlanExecutor(http::ConnectionPool& pool, telemetry::GatewayMetrics& metrics);

  boost::asio::awaitable<ExecutionOutcome> execute(const ExecutionRequest& request,
                                                   http::ResponseWriter& writer);

  /// One attempt's state (src/upstream/attempt.hpp); public for the relay's helpers.
  struct Attempt;

 private:
  struct AttemptResult {
    std::optional<UpstreamError> error;
    bool committed = false;
    /// A 429 that one key of a key pool absorbed: the deployment itself stays available.
    bool key_cooled_down = false;
  };

  boost::asio::awaitable<AttemptResult> runAttempt(const ExecutionRequest& request, http::ResponseWriter& writer,
                                                   ExecutionOutcome& outcome, const route::Candidate& candidate,
                                                   CancelState& cancel);
  std::vector<route::Candidate> orderCandidates(const ExecutionRequest& request);
  boost::asio::awaitable<bool> sleepFor(std::chrono::milliseconds delay, CancelState& cancel);
  void recordFailure(const ExecutionRequest& request, ExecutionOutcome& outcome, const route::Candidate& candidate,
                     const UpstreamError& error);
  boost::asio::awaitable<std::optional<UpstreamError>> runNonStream(Attempt& attempt);
  boost::asio::awaitable<std::optional<UpstreamError>> runStream(Attempt& attempt);
  boost::asio::awaitable<std::optional<UpstreamError>> relayEvents(Attempt& attempt, class StreamKeepalive& keepalive,
                                                                   Clock::time_point first_token_deadline);
  boost::asio::awaitable<void> answerWithError(const ExecutionRequest& request, http::ResponseWriter& writer,
                                               ExecutionOutcome& outcome, const UpstreamError& error,
                                               const std::vector<std::string>& tried);
  boost::asio::awaitable<void> returnUpstreamError(const ExecutionRequest& request, http::ResponseWriter& writer,
                                                   ExecutionOutcome& outcome, const UpstreamError& error);
  boost::asio::awaitable<void> answerAllCoolingDown(const ExecutionRequest& request, http::ResponseWriter& writer,
                                                    ExecutionOutcome& outcome);

  http::ConnectionPool& pool_;
  telemetry::GatewayMetrics& metrics_;
  // Per worker, like the pool: jitter needs no shared random state.
  std::mt19937_64 random_;
  BalanceRandom balance_random_{std::random_device{}()};
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
};

}  // namespace pointsman::upstream
