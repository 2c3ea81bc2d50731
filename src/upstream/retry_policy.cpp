#include <nlohmann/json.hpp>
#include <pointsman/upstream/retry_policy.hpp>
#include <string>

namespace pointsman::upstream {
namespace {

/// Order in which a failed request tries deployments, before the attempt limits apply.
enum class Preference {
  /// A transient fault: the same deployment first, then the next one.
  SameThenNext,
  /// The deployment looks slow or unreachable: the next one first, the same one as a last resort.
  NextThenSame,
  /// Retrying the same deployment cannot help: only the next one.
  NextOnly,
};

/// Extracts the `code` of an OpenAI-style error body (`{"error":{"code":...}}` or a top-level
/// `code`), or an empty string when the body is not JSON or has none.
std::string errorCode(const UpstreamError& error) {
  if (error.kind != UpstreamErrorKind::HttpStatus || error.body.empty()) return "";
  const auto body = nlohmann::json::parse(error.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return "";

  const auto nested = body.find("error");
  const auto& holder = (nested != body.end() && nested->is_object()) ? *nested : body;
  const auto code = holder.find("code");
  if (code == holder.end() || !code->is_string()) return "";
  return code->get<std::string>();
}

bool isRateLimit(const UpstreamError& error) {
  return error.kind == UpstreamErrorKind::HttpStatus && error.http_status == 429;
}

/// True when a Retry-After hint lets the same deployment be tried again before the deadline.
bool hintFits(const RetryPolicy& policy, const AttemptOutcome& outcome) {
  const auto delay = outcome.upstream_delay.value_or(std::chrono::milliseconds::zero());
  if (delay > policy.max_retry_after) return false;
  if (outcome.deadline == std::chrono::steady_clock::time_point::max()) return true;
  return outcome.deadline - outcome.now > delay;
}

Preference preferenceFor(const RetryPolicy& policy, const AttemptOutcome& outcome) {
  const auto& error = outcome.error;
  if (isRateLimit(error)) {
    const bool wait_here = policy.retry_same_on_429 && hintFits(policy, outcome);
    return wait_here ? Preference::SameThenNext : Preference::NextOnly;
  }
  switch (error.kind) {
    case UpstreamErrorKind::ConnectRefused:
    case UpstreamErrorKind::ConnectFailed:
    case UpstreamErrorKind::ConnectTimeout:
    case UpstreamErrorKind::ConnectionReset:
    case UpstreamErrorKind::IdleTimeout:
    case UpstreamErrorKind::InBandError:
      return Preference::SameThenNext;
    case UpstreamErrorKind::DnsFailure:
    case UpstreamErrorKind::ResponseHeadersTimeout:
    case UpstreamErrorKind::FirstTokenTimeout:
    case UpstreamErrorKind::TotalTimeout:
    case UpstreamErrorKind::Protocol:
      return Preference::NextThenSame;
    // A certificate or handshake fault does not go away within one request.
    case UpstreamErrorKind::TlsFailure:
      return Preference::NextOnly;
    case UpstreamErrorKind::Cancelled:
      return Preference::NextOnly;
    case UpstreamErrorKind::HttpStatus:
      break;
  }
  // A provider's rejection of the gateway's own credentials repeats on every retry.
  if (error.http_status == 401 || error.http_status == 403) return Preference::NextOnly;
  // Context length and content filter failures reach here only when failing over may help.
  if (!error.retryable) return Preference::NextOnly;
  return Preference::SameThenNext;
}

/// True when the request itself is at fault, so no deployment would respond differently.
bool requestAtFault(const RetryPolicy& policy, const AttemptOutcome& outcome) {
  const auto& error = outcome.error;
  if (isContextLengthExceeded(error)) return !outcome.larger_context_available;
  if (isContentFiltered(error)) return !policy.failover_on_content_filter;
  return !error.retryable || error.origin == ErrorOrigin::Client;
}

}  // namespace

RetryVerdict classify(const RetryPolicy& policy, const AttemptOutcome& outcome) {
  if (outcome.error.kind == UpstreamErrorKind::Cancelled) return RetryVerdict::ClientGone;
  if (requestAtFault(policy, outcome)) return RetryVerdict::NotRetryable;
  if (outcome.now >= outcome.deadline) return RetryVerdict::DeadlinePassed;
  if (policy.max_total_attempts > 0 && outcome.attempts_total >= policy.max_total_attempts) {
    return RetryVerdict::NoAttemptsLeft;
  }

  const bool same_allowed = outcome.attempt_on_deployment < policy.max_attempts_per_deployment;
  const bool next_allowed = outcome.candidates_left > 0;
  switch (preferenceFor(policy, outcome)) {
    case Preference::SameThenNext:
      if (same_allowed) return RetryVerdict::RetrySame;
      if (next_allowed) return RetryVerdict::FailOver;
      break;
    case Preference::NextThenSame:
      if (next_allowed) return RetryVerdict::FailOver;
      if (same_allowed) return RetryVerdict::RetrySame;
      break;
    case Preference::NextOnly:
      if (next_allowed) return RetryVerdict::FailOver;
      break;
  }
  return RetryVerdict::NoAttemptsLeft;
}

bool isContextLengthExceeded(const UpstreamError& error) {
  return error.http_status == 400 && errorCode(error) == "context_length_exceeded";
}

bool isContentFiltered(const UpstreamError& error) {
  if (error.http_status != 400) return false;
  const auto code = errorCode(error);
  return code == "content_filter" || code == "content_policy_violation";
}

std::optional<UpstreamError> filteredAnswerError(std::string_view answer_body) {
  const auto body = nlohmann::json::parse(answer_body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return std::nullopt;
  bool filtered = body.value("stop_reason", nlohmann::json()) == "refusal";
  const auto choices = body.find("choices");
  if (choices != body.end() && choices->is_array()) {
    for (const auto& choice : *choices) {
      if (choice.is_object() && choice.value("finish_reason", nlohmann::json()) == "content_filter") filtered = true;
    }
  }
  if (!filtered) return std::nullopt;

  auto error = httpStatusError(400,
                               R"({"error":{"message":"The deployment's content filter stopped the completion.",)"
                               R"("type":"invalid_request_error","param":null,"code":"content_filter"}})",
                               "application/json");
  error.detail = "the content filter stopped the completion";
  return error;
}

}  // namespace pointsman::upstream
