#pragma once

#include <pointsman/api/endpoint.hpp>
#include <pointsman/api/usage.hpp>
#include <pointsman/api/wire_format.hpp>
#include <pointsman/http/connection_pool.hpp>
#include <pointsman/http/incoming_request.hpp>
#include <pointsman/http/response_writer.hpp>
#include <pointsman/route/plan.hpp>
#include <pointsman/telemetry/gateway_metrics.hpp>
#include <pointsman/upstream/breaker_set.hpp>
#include <pointsman/upstream/hedge_budget.hpp>
#include <pointsman/upstream/key_pool.hpp>
#include <pointsman/upstream/load_balancer.hpp>
#include <pointsman/upstream/provider_endpoint.hpp>
#include <pointsman/upstream/retry_policy.hpp>
#include <pointsman/upstream/shared_rate_limiter.hpp>
#include <pointsman/upstream/upstream_call.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
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
  /// The client's body exactly as received (decoded when it came compressed). On the Anthropic
  /// front door, the OpenAI chat request translated from it.
  const std::string* body = nullptr;
  /// The `model` that `body` names, as parsed. A deployment whose upstream id is the same takes
  /// the body as it is, without the splice that rewrites `model`.
  std::string_view body_model;
  /// The API the client speaks; Anthropic on the `/v1/messages` front door.
  api::WireFormat client_format = api::WireFormat::OpenAi;
  /// Front door only: the client's own Anthropic body, passed through to Anthropic deployments
  /// with only `model` replaced, and the Anthropic path, "/v1/messages" or
  /// "/v1/messages/count_tokens".
  const std::string* messages_body = nullptr;
  std::string messages_path;
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
  /// The route's `hedge:` block, and its budget; null when the route does not hedge.
  const config::HedgeConfig* hedge = nullptr;
  HedgeBudget* hedge_budget = nullptr;
  /// The route's `fan_out:` block; null when the route does not fan out.
  const config::FanOutConfig* fan_out = nullptr;
  /// The judge deployment of `fan_out: {mode: judge}`.
  std::optional<route::Candidate> fan_out_judge;
  /// Cascade: judges a cheaper step's answer (a chat completion body) and returns why it was
  /// rejected, or nothing to accept it. Set only for a cascade plan; the policy's checks live in
  /// the function, so the executor knows nothing of them.
  std::function<std::optional<std::string>(std::string_view completion_body, const std::string& deployment)>
      accept_answer;
  /// Cascade: a deployment that grades each answer the checks accepted, and the lowest grade in
  /// [0, 1] that keeps it.
  std::optional<route::Candidate> cascade_verifier;
  double verifier_min_score = 0.5;
  /// Where deployment rpm and tpm limits are kept when replicas share them; null keeps them in
  /// this process.
  SharedRateLimiter* shared_limits = nullptr;
  /// Charged to the deployments' `tpm` limits; a rough count is enough to spread load.
  std::uint64_t estimated_prompt_tokens = 0;
  /// The request's overall deadline: no attempt or backoff runs past it.
  Clock::time_point deadline = Clock::time_point::max();
  std::chrono::milliseconds stream_keepalive{10'000};
  /// Headers every answer carries (request id, route, decision); the executor adds the
  /// deployment and the attempt count.
  http::HeaderList response_headers;
  /// True when the gateway asked the upstream for stream usage that the client did not ask
  /// for: the usage-only chunk is then read but not relayed.
  bool drop_usage_chunk = false;
  /// Formats an answer's cost from the deployment that answered and its usage. When set, a JSON
  /// answer carries it as `x-pointsman-cost-usd` and a finished stream ends with the comment
  /// `: pointsman-cost-usd=...`.
  std::function<std::string(const std::string& deployment, const std::optional<api::Usage>& usage)> cost_note;
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
  /// Stream events with content relayed to the client. An OpenAI-style stream carries about one
  /// completion token per event, so this counts the tokens of a stream that ended without usage.
  std::int64_t relayed_stream_events = 0;
  /// Fan-out and cascades: which deployments answered and which answer was returned, e.g.
  /// "answered=mini,local chosen=local judge=sonnet" or "mini:rejected(refusal) sonnet:answered".
  std::string strategy_trace;
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

  struct AttemptResult {
    std::optional<UpstreamError> error;
    bool committed = false;
    /// A 429 that one key of a key pool absorbed: the deployment itself stays available.
    bool key_cooled_down = false;
  };

  /// A deployment's limits turned attempts away: the soonest a rate limit frees up, and whether a
  /// full queue was met.
  struct LimitRefusals {
    std::optional<std::chrono::milliseconds> shortest_rate_wait;
    bool queue_refused = false;
  };

  /// What a hedged round did: each attempt's result, or nothing for one that its deployment's
  /// breaker or limits turned away (or, for the second, that never went out).
  struct HedgeRound {
    std::optional<AttemptResult> primary;
    std::optional<AttemptResult> secondary;
    bool secondary_won = false;
  };

 private:

  boost::asio::awaitable<AttemptResult> runAttempt(const ExecutionRequest& request, http::ResponseWriter& writer,
                                                   ExecutionOutcome& outcome, const route::Candidate& candidate,
                                                   CancelState& cancel);
  /// One attempt behind the deployment's breaker and limits: the breaker report and the slot
  /// release happen here, so callers only read the result. Nothing when the deployment turned
  /// the attempt away without an upstream call.
  boost::asio::awaitable<std::optional<AttemptResult>> guardedAttempt(const ExecutionRequest& request,
                                                                      http::ResponseWriter& writer,
                                                                      ExecutionOutcome& outcome,
                                                                      const route::Candidate& candidate,
                                                                      CancelState& cancel, bool may_wait,
                                                                      LimitRefusals& refusals);
  boost::asio::awaitable<HedgeRound> runHedged(const ExecutionRequest& request, http::ResponseWriter& writer,
                                               ExecutionOutcome& outcome, const route::Candidate& primary,
                                               const route::Candidate& secondary, CancelState& cancel,
                                               std::chrono::milliseconds delay, LimitRefusals& refusals);
  /// guardedAttempt() for an attempt running beside others; stores its result in `result`.
  boost::asio::awaitable<void> runRacer(const ExecutionRequest& request, http::ResponseWriter& writer,
                                        ExecutionOutcome& outcome, const route::Candidate& candidate,
                                        CancelState& cancel, bool may_wait, LimitRefusals& refusals,
                                        std::optional<AttemptResult>& result);
  std::optional<std::chrono::milliseconds> hedgeDelay(const ExecutionRequest& request,
                                                      const route::Candidate& primary) const;
  boost::asio::awaitable<ExecutionOutcome> executeCascade(const ExecutionRequest& request,
                                                          http::ResponseWriter& writer);
  /// The verifier's grade of an answer in [0, 1], or nothing when it gave none.
  boost::asio::awaitable<std::optional<double>> verifierGrade(const ExecutionRequest& request,
                                                              ExecutionOutcome& outcome,
                                                              const std::string& answer_body);
  boost::asio::awaitable<ExecutionOutcome> executeFanOut(const ExecutionRequest& request,
                                                         http::ResponseWriter& writer);
  boost::asio::awaitable<void> answerLimitsReached(const ExecutionRequest& request, http::ResponseWriter& writer,
                                                   ExecutionOutcome& outcome, const LimitRefusals& refusals);
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
  ProviderEndpointCache endpoints_;
  telemetry::GatewayMetrics& metrics_;
  // Per worker, like the pool: jitter needs no shared random state.
  std::mt19937_64 random_;
  BalanceRandom balance_random_{std::random_device{}()};
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
};

}  // namespace pointsman::upstream
