#pragma once

// State of one attempt, shared by the executor's non-stream and stream paths.

#include <pointsman/upstream/plan_executor.hpp>
#include <pointsman/upstream/provider_adapter.hpp>

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pointsman::upstream {

struct PlanExecutor::Attempt {
  const ExecutionRequest& request;
  http::ResponseWriter& writer;
  ExecutionOutcome& outcome;
  const route::Candidate& candidate;
  UpstreamCall& call;
  http::OutgoingRequest message;
  Clock::time_point started = Clock::now();
  /// Streams: content reached the client, so no other attempt may start.
  bool committed = false;
  /// When the first byte of the answer arrived (response headers, or the first content event
  /// of a stream); feeds the deployment's latency average.
  std::optional<Clock::time_point> first_byte_at;
  /// Translates between the client's and the provider's formats where they differ.
  ProviderAdapter adapter{request, candidate};

  [[nodiscard]] const std::string& deploymentName() const { return candidate.deployment->name; }
  [[nodiscard]] const config::UpstreamTimeouts& timeouts() const { return candidate.provider->timeouts; }

  /// The attempt's deadline for everything, or the far future when no total is configured.
  [[nodiscard]] Clock::time_point totalDeadline() const {
    const auto attempt_deadline = timeouts().total.count() > 0 ? started + timeouts().total : Clock::time_point::max();
    return std::min(attempt_deadline, request.deadline);
  }

  [[nodiscard]] http::HeaderList responseHeaders(std::string_view content_type) const;
};

/// Adds a short access-log flag (e.g. "RT") to a comma-separated list, once.
void addFlag(std::string& flags, std::string_view flag);

/// The client's response headers: the request's own plus who answered and after how many tries.
/// The views point into `request` and `outcome`, which must outlive them, so building them copies
/// no string. Not movable, because a view points at the attempt count stored inside.
class ResponseHeaderViews {
 public:
  ResponseHeaderViews(const ExecutionRequest& request, const ExecutionOutcome& outcome, std::string_view content_type);
  ResponseHeaderViews(const ResponseHeaderViews&) = delete;
  ResponseHeaderViews& operator=(const ResponseHeaderViews&) = delete;

  /// Appends a header whose name and value outlive this object.
  void add(std::string_view name, std::string_view value) { views_.emplace_back(name, value); }
  [[nodiscard]] std::span<const http::HeaderView> views() const { return views_; }

 private:
  std::string attempts_;
  std::vector<http::HeaderView> views_;
};

/// The headers of ResponseHeaderViews as a list that owns its strings.
http::HeaderList makeResponseHeaders(const ExecutionRequest& request, const ExecutionOutcome& outcome,
                                     std::string_view content_type);

/// Builds the request for one candidate in its provider's format: for OpenAI-compatible and
/// Azure providers the client's body with only `model` replaced, for Anthropic the translated
/// Messages request (or, from the Anthropic front door, the client's own body). Adds the
/// provider's credentials and extra headers, the deployment's headers, and the client headers the
/// provider forwards. `key` is the pool key picked for this attempt, or null for the provider's
/// single `api_key`. A request with no form for the provider gives the client's 400 as an error.
std::variant<http::OutgoingRequest, UpstreamError> buildUpstreamRequest(const ExecutionRequest& request,
                                                  const route::Candidate& candidate, const http::Url& url,
                                                  const config::Secret* key = nullptr);

}  // namespace pointsman::upstream
