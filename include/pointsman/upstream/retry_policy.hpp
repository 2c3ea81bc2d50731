#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <pointsman/upstream/upstream_error.hpp>

namespace pointsman::upstream {

/// How many attempts a request may make and how long it may wait between them. Immutable once
/// built from config and shared by every request of a route.
struct RetryPolicy {
  /// Attempts on one deployment before the request moves to the next; 1 means no retry on the same
  /// deployment.
  int max_attempts_per_deployment = 1;
  /// Attempts across all deployments; 0 means no limit beyond one round over the candidates.
  int max_total_attempts = 0;
  /// Backoff cap before the first retry; it doubles for each later retry (full jitter below it).
  std::chrono::milliseconds base_backoff{200};
  /// Upper limit of the backoff cap.
  std::chrono::milliseconds max_backoff{10'000};
  /// Retry a 429 on the same deployment after its Retry-After instead of failing over at once.
  bool retry_same_on_429 = true;
  /// Send a request that a provider's content filter rejected to the next deployment.
  bool failover_on_content_filter = false;
  /// A Retry-After longer than this is not waited for: the request fails over instead.
  std::chrono::milliseconds max_retry_after{30'000};
};

/// Next step after a failed attempt.
enum class RetryVerdict {
  /// Try the same deployment again after a delay.
  RetrySame,
  /// Try the next candidate deployment.
  FailOver,
  /// The policy allows no further attempt, or no candidate is left.
  NoAttemptsLeft,
  /// The request's deadline has passed.
  DeadlinePassed,
  /// Another attempt would fail the same way: return the upstream's response to the client.
  NotRetryable,
  /// The client disconnected or cancelled: start nothing more.
  ClientGone,
};

/// The facts about one failed attempt that `classify` decides on. Per request, never shared.
struct AttemptOutcome {
  UpstreamError error;
  /// Attempts made on the current deployment, counting the failed one (1 after the first failure).
  int attempt_on_deployment = 1;
  /// Attempts made on all deployments, counting the failed one.
  int attempts_total = 1;
  /// Untried deployments of the plan after the current one.
  int candidates_left = 0;
  std::chrono::steady_clock::time_point now;
  /// Time by which the client must have a response; `time_point::max()` means no deadline.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// The upstream's requested delay (parsed Retry-After or retry-after-ms), when it sent one.
  std::optional<std::chrono::milliseconds> upstream_delay;
  /// True when a later candidate has a larger context window than the current deployment.
  bool larger_context_available = false;
};

/// Decides what follows a failed attempt (pure). In order: a cancelled request is ClientGone, an
/// error the request itself caused is NotRetryable, then the deadline and the attempt limits
/// apply, and last the error kind chooses between the same deployment and the next one.
RetryVerdict classify(const RetryPolicy& policy, const AttemptOutcome& outcome);

/// True for an HTTP 400 whose JSON body carries the code `context_length_exceeded`.
bool isContextLengthExceeded(const UpstreamError& error);

/// True for an HTTP 400 whose JSON body carries the code `content_filter` or
/// `content_policy_violation`.
bool isContentFiltered(const UpstreamError& error);

/// Returns a 400 `content_filter` error for a successful response that a content filter stopped: a
/// chat completion with a choice whose `finish_reason` is `content_filter` (Azure OpenAI), or an
/// Anthropic message with `stop_reason: refusal`. The executor fails such a response over when the
/// route sets `failover_on_content_filter`. Returns nothing for any other body.
std::optional<UpstreamError> filteredAnswerError(std::string_view answer_body);

}  // namespace pointsman::upstream
