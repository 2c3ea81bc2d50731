#pragma once

#include <pointsman/api/api_error.hpp>
#include <pointsman/upstream/upstream_error.hpp>

#include <string>
#include <vector>

namespace pointsman::upstream {

/// The executor's next step after a failed attempt.
enum class FailureVerdict {
  /// Try the next deployment of the plan.
  Failover,
  /// The request itself is at fault: return the upstream's answer unchanged.
  ReturnToClient,
  /// The client is gone: start nothing more.
  Stop,
};

/// The coarse verdict for one failure without retry state: the probe of an open breaker uses it.
/// The attempt loop uses classify() (retry_policy.hpp), which adds retries, deadlines and limits.
FailureVerdict classifyFailure(const UpstreamError& error);

/// The error for the client once no attempt is left. `tried` names the deployments attempted.
/// A last 429 keeps its status and `Retry-After`, and timeouts give 504. A provider credential
/// fault gives 502 naming the deployment, never the client's 401. Everything else gives 502.
api::ApiError finalClientError(const UpstreamError& last_error, const std::string& last_deployment,
                               const std::vector<std::string>& tried);

}  // namespace pointsman::upstream
