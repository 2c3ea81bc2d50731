#pragma once

// The Anthropic front door's `POST /v1/messages/count_tokens`. When the route's first
// deployment is an Anthropic one, the request goes to that provider's count_tokens endpoint;
// otherwise the gateway answers with its own estimate and says so in a response header.

#include <pointsman/api/api_error.hpp>
#include <pointsman/http/response_writer.hpp>
#include <pointsman/route/plan.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace pointsman::app {

/// Response header on a count the gateway estimated; its value is `estimate`.
inline constexpr std::string_view kTokenCountHeader = "x-pointsman-token-count";

/// Translates a count_tokens body into the OpenAI chat request that routing reads. Such a body
/// has no `max_tokens`, which the Messages translation requires, so a placeholder of 1 is set
/// when it is missing; the count does not depend on it.
std::variant<std::string, api::ApiError> chatRequestForCounting(std::string_view messages_body);

/// Drops every candidate that is not an Anthropic deployment when the first one is, so failover
/// stays on providers that serve count_tokens, and returns true. Returns false and leaves the
/// plan unchanged when the first candidate is not an Anthropic deployment.
bool keepAnthropicCandidates(route::Plan& plan);

/// The `{"input_tokens":N}` body with the gateway's estimate of the prompt tokens of
/// `chat_body`, an OpenAI chat request. Images are not counted.
std::string estimatedCountBody(std::string_view chat_body);

/// Sends the estimated count with status 200 and `x-pointsman-token-count: estimate`.
boost::asio::awaitable<void> sendEstimatedCount(http::ResponseWriter& writer, http::HeaderList headers,
                                                std::string_view chat_body);

}  // namespace pointsman::app
