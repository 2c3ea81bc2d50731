#include "upstream/attempt.hpp"

#include <pointsman/api/json_splice.hpp>
#include <pointsman/upstream/anthropic/request_translation.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <utility>


namespace pointsman::upstream {

ResponseHeaderViews::ResponseHeaderViews(const ExecutionRequest& request, const ExecutionOutcome& outcome,
                                         std::string_view content_type)
    : attempts_(std::to_string(outcome.attempts.size())) {
  views_.reserve(request.response_headers.size() + 5);
  for (const auto& [name, value] : request.response_headers) views_.emplace_back(name, value);
  views_.emplace_back("content-type", content_type);
  views_.emplace_back("x-pointsman-deployment", outcome.deployment);
  views_.emplace_back("x-pointsman-attempts", attempts_);
  if (!outcome.upstream_request_id.empty()) {
    views_.emplace_back("x-pointsman-upstream-request-id", outcome.upstream_request_id);
  }
}

http::HeaderList makeResponseHeaders(const ExecutionRequest& request, const ExecutionOutcome& outcome,
                                     std::string_view content_type) {
  const ResponseHeaderViews views(request, outcome, content_type);
  return http::headerListOf(views.views());
}

http::HeaderList PlanExecutor::Attempt::responseHeaders(std::string_view content_type) const {
  return makeResponseHeaders(request, outcome, content_type);
}

namespace {

UpstreamError clientError(const api::ApiError& error) {
  auto upstream_error = httpStatusError(error.status, error.body(), "application/json");
  upstream_error.detail = "the request cannot be translated for this provider: " + error.message;
  return upstream_error;
}

/// The body for an OpenAI-compatible provider: the client's bytes with only `model` replaced.
std::string spliceModel(const std::string& body, const std::string& model) {
  auto spliced = api::replaceTopLevelString(body, "model", model);
  if (spliced) return std::move(*spliced);
  // The splice fails only on bodies that parseRequest() already rejects, so this fallback should
  // not run; re-serializing keeps it correct if it does.
  auto document = nlohmann::json::parse(body, nullptr, false);
  if (document.is_object()) document["model"] = model;
  return document.dump();
}

/// Returns the body for a deployment whose upstream id is `model`, or nullopt when the client's
/// bytes go as they are. Most requests name that id already, and then they need neither a scan
/// for the member nor a copy.
std::optional<std::string> rewrittenBody(const ExecutionRequest& request, const std::string& model) {
  if (!request.body_model.empty() && request.body_model == model) return std::nullopt;
  return spliceModel(*request.body, model);
}

/// The path under the base URL, and the body in the provider's format. A body of nullopt is the
/// client's own.
using TargetAndBody = std::pair<std::string, std::optional<std::string>>;

std::variant<TargetAndBody, UpstreamError> targetAndBody(const ExecutionRequest& request,
                                                         const route::Candidate& candidate, const http::Url& url) {
  const auto& provider = *candidate.provider;
  const auto& model = candidate.deployment->model;
  if (provider.type == config::ProviderType::AzureOpenAi) {
    // Azure names the deployment in the path and ignores `model` in the body.
    return TargetAndBody{url.base_path + "/openai/deployments/" + model + request.upstream_path +
                             "?api-version=" + provider.api_version,
                         rewrittenBody(request, model)};
  }
  if (provider.type == config::ProviderType::OpenAi) {
    std::string target = url.base_path + request.upstream_path;
    if (!url.query.empty()) target += "?" + url.query;
    return TargetAndBody{std::move(target), rewrittenBody(request, model)};
  }

  if (request.client_format == api::WireFormat::Anthropic && request.messages_body) {
    return TargetAndBody{url.base_path + request.messages_path, spliceModel(*request.messages_body, model)};
  }
  if (request.endpoint != api::Endpoint::ChatCompletions) {
    return clientError(api::ApiError::invalidRequest("Deployment `" + candidate.deployment->name +
                                                     "` is an Anthropic model, which serves only chat completions."));
  }
  const auto chat = nlohmann::json::parse(*request.body, nullptr, false);
  const anthropic::MessagesRequestSettings settings{model, static_cast<std::int64_t>(candidate.deployment->max_tokens)};
  auto translated = anthropic::toMessagesRequest(chat, settings);
  if (auto* error = std::get_if<api::ApiError>(&translated)) return clientError(*error);
  return TargetAndBody{url.base_path + "/v1/messages", std::move(std::get<std::string>(translated))};
}

/// The fixed fields of every request, written as one piece.
#define POINTSMAN_FIXED_REQUEST_FIELDS(accept)                                              \
  "Content-Type: application/json\r\nAccept: " accept "\r\nAccept-Encoding: identity\r\n" \
  "User-Agent: pointsman/" POINTSMAN_VERSION "\r\n"
constexpr std::string_view kJsonRequestFields = POINTSMAN_FIXED_REQUEST_FIELDS("application/json");
constexpr std::string_view kStreamRequestFields = POINTSMAN_FIXED_REQUEST_FIELDS("text/event-stream");
#undef POINTSMAN_FIXED_REQUEST_FIELDS

void setCredentials(http::OutgoingRequest& message, const config::ProviderConfig& provider,
                    const config::Secret& credential) {
  if (provider.type == config::ProviderType::Anthropic) {
    message.set("anthropic-version", provider.api_version);
    if (!credential.empty()) message.set("x-api-key", credential.reveal());
    return;
  }
  if (credential.empty()) return;
  if (provider.type == config::ProviderType::AzureOpenAi && !provider.bearer_auth) {
    message.set("api-key", credential.reveal());
    return;
  }
  message.set("Authorization", "Bearer " + std::string(credential.reveal()));
}

}  // namespace

std::variant<http::OutgoingRequest, UpstreamError> buildUpstreamRequest(const ExecutionRequest& request,
                                                                               const route::Candidate& candidate,
                                                                               const http::Url& url,
                                                                               const config::Secret* key) {
  const auto& provider = *candidate.provider;
  auto built = targetAndBody(request, candidate, url);
  if (auto* error = std::get_if<UpstreamError>(&built)) return std::move(*error);
  auto& [target, body] = std::get<TargetAndBody>(built);

  // The message starts empty, so its own fields are added without set()'s search for an earlier
  // value. The configured and forwarded headers below may still replace them.
  http::OutgoingRequest message{"POST", target};
  message.addHost(url);
  message.addLines(request.stream ? kStreamRequestFields : kJsonRequestFields);
  message.add("x-request-id", request.request_id);
  setCredentials(message, provider, key ? *key : provider.api_key);
  for (const auto& [name, value] : provider.headers) message.set(name, value.reveal());
  for (const auto& [name, value] : candidate.deployment->headers) message.set(name, value);
  for (const auto& name : provider.forward_headers) {
    if (const auto value = request.client_request->fields().find(name)) message.set(name, *value);
  }

  if (body) {
    message.body() = std::move(*body);
  } else {
    message.borrowBody(*request.body);
  }
  return message;
}

}  // namespace pointsman::upstream
