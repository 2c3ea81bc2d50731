#include "upstream/deployment_admission.hpp"

namespace pointsman::upstream {
namespace asio = boost::asio;

namespace {

/// Gives back what the rate limits charged when the concurrency limit then refuses.
void refund(DeploymentGuards& guards, std::uint64_t estimated_tokens) {
  const auto now = RateGate::Clock::now();
  if (guards.requests_per_minute) guards.requests_per_minute->adjust(-1, now);
  if (guards.tokens_per_minute) guards.tokens_per_minute->adjust(-static_cast<std::int64_t>(estimated_tokens), now);
}

DeploymentAdmission refusal(AdmissionVerdict verdict, std::chrono::milliseconds retry_after = {}) {
  DeploymentAdmission admission;
  admission.verdict = verdict;
  admission.retry_after = retry_after;
  return admission;
}

}  // namespace

asio::awaitable<DeploymentAdmission> admitAtDeployment(const std::string& deployment, DeploymentGuards& guards,
                                                       std::uint64_t estimated_tokens, bool may_wait,
                                                       CancelState& cancel, SharedRateLimiter* shared) {
  const auto now = RateGate::Clock::now();
  const bool rate_limited = guards.requests_per_minute || guards.tokens_per_minute;
  if (shared && rate_limited) {
    const auto wait =
        co_await shared->charge(deployment, guards.limits.rpm, guards.limits.tpm, estimated_tokens);
    if (wait) co_return refusal(AdmissionVerdict::RateLimited, *wait);
  } else if (guards.requests_per_minute) {
    if (const auto wait = guards.requests_per_minute->tryCharge(1, now)) {
      co_return refusal(AdmissionVerdict::RateLimited, *wait);
    }
  }
  if (!shared && guards.tokens_per_minute) {
    if (const auto wait = guards.tokens_per_minute->tryCharge(estimated_tokens, now)) {
      if (guards.requests_per_minute) guards.requests_per_minute->adjust(-1, now);
      co_return refusal(AdmissionVerdict::RateLimited, *wait);
    }
  }
  if (!guards.concurrency) co_return DeploymentAdmission{};

  GateEntry entry = GateEntry::QueueFull;
  if (may_wait) {
    entry = co_await guards.concurrency->enter(guards.limits.queue_timeout, cancel);
  } else if (guards.concurrency->tryEnter()) {
    entry = GateEntry::Entered;
  }
  if (entry == GateEntry::Entered) {
    DeploymentAdmission admitted;
    admitted.slot = HeldSlot(guards.concurrency.get());
    co_return admitted;
  }

  // TODO: a shared store keeps what it charged when the queue then refuses; only local limits
  // are refunded.
  if (!shared) refund(guards, estimated_tokens);
  if (entry == GateEntry::TimedOut) co_return refusal(AdmissionVerdict::QueueTimeout);
  if (entry == GateEntry::Cancelled) co_return refusal(AdmissionVerdict::Cancelled);
  co_return refusal(AdmissionVerdict::QueueFull);
}

std::string_view admissionFlag(AdmissionVerdict verdict) {
  switch (verdict) {
    case AdmissionVerdict::RateLimited: return "PL";
    case AdmissionVerdict::QueueFull: return "QF";
    case AdmissionVerdict::QueueTimeout: return "QT";
    default: return "";
  }
}

}  // namespace pointsman::upstream
