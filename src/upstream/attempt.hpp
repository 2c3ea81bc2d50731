#pragma once

// State of one attempt, shared by the executor's non-stream and stream paths.

#include <pointsman/upstream/plan_executor.hpp>

namespace pointsman::upstream {

struct PlanExecutor::Attempt {
  const ExecutionRequest& request;
  http::ResponseWriter& writer;
  ExecutionOutcome& outcome;
  const route::Candidate& candidate;
  UpstreamCall& call;
  http::UpstreamRequestMessage message;
  Clock::time_point started = Clock::now();
  /// Streams: content reached the client, so no other attempt may start.
  bool committed = false;
  /// When the first byte of the answer arrived (response headers, or the first content event
  /// of a stream); feeds the deployment's latency average.
  std::optional<Clock::time_point> first_byte_at;

  [[nodiscard]] const std::string& deploymentName() const { return candidate.deployment->name; }
  [[nodiscard]] const config::UpstreamTimeouts& timeouts() const { return candidate.provider->timeouts; }

  /// The attempt's deadline for everything, or the far future when no total is configured.
  [[nodiscard]] Clock::time_point totalDeadline() const {
    const auto attempt_deadline = timeouts().total.count() > 0 ? started + timeouts().total : Clock::time_point::max();
    return std::min(attempt_deadline, request.deadline);
  }

  [[nodiscard]] http::HeaderList responseHeaders(std::string_view content_type) const;
};

/// The client's response headers: the request's own plus who answered and after how many tries.
http::HeaderList makeResponseHeaders(const ExecutionRequest& request, const ExecutionOutcome& outcome,
                                     std::string_view content_type);

/// Builds the request for one candidate: the client's body with only `model` replaced, the
/// provider's credentials and extra headers, and the client headers the provider forwards.
/// `key` is the pool key picked for this attempt, or null for the provider's single `api_key`.
http::UpstreamRequestMessage buildUpstreamRequest(const ExecutionRequest& request,
                                                  const route::Candidate& candidate, const http::Url& url,
                                                  const config::Secret* key = nullptr);

}  // namespace pointsman::upstream
