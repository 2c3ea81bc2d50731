#include "upstream/attempt.hpp"

#include <pointsman/api/json_splice.hpp>

#include <nlohmann/json.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>

namespace pointsman::upstream {
namespace bhttp = boost::beast::http;

http::HeaderList makeResponseHeaders(const ExecutionRequest& request, const ExecutionOutcome& outcome,
                                     std::string_view content_type) {
  http::HeaderList headers = request.response_headers;
  headers.emplace_back("content-type", std::string(content_type));
  headers.emplace_back("x-pointsman-deployment", outcome.deployment);
  headers.emplace_back("x-pointsman-attempts", std::to_string(outcome.attempts.size()));
  if (!outcome.upstream_request_id.empty()) {
    headers.emplace_back("x-pointsman-upstream-request-id", outcome.upstream_request_id);
  }
  return headers;
}

http::HeaderList PlanExecutor::Attempt::responseHeaders(std::string_view content_type) const {
  return makeResponseHeaders(request, outcome, content_type);
}

http::UpstreamRequestMessage buildUpstreamRequest(const ExecutionRequest& request,
                                                  const route::Candidate& candidate, const http::Url& url,
                                                  const config::Secret* key) {
  const auto& provider = *candidate.provider;
  std::string target = url.base_path + request.upstream_path;
  if (!url.query.empty()) target += "?" + url.query;

  http::UpstreamRequestMessage message{bhttp::verb::post, target, 11};
  message.set(bhttp::field::host, url.hostHeader());
  message.set(bhttp::field::content_type, "application/json");
  message.set(bhttp::field::accept, request.stream ? "text/event-stream" : "application/json");
  message.set(bhttp::field::accept_encoding, "identity");
  message.set(bhttp::field::user_agent, "pointsman/" POINTSMAN_VERSION);
  message.set("x-request-id", request.request_id);
  const config::Secret& credential = key ? *key : provider.api_key;
  if (!credential.empty()) {
    message.set(bhttp::field::authorization, "Bearer " + std::string(credential.reveal()));
  }
  for (const auto& [name, value] : provider.headers) message.set(name, value.reveal());
  for (const auto& name : provider.forward_headers) {
    const auto found = request.client_request->find(name);
    if (found != request.client_request->end()) message.set(name, found->value());
  }

  auto body = api::replaceTopLevelString(*request.body, "model", candidate.deployment->model);
  if (body) {
    message.body() = std::move(*body);
  } else {
    // The splice fails only on bodies that parseRequest() already rejects, so this fallback should
    // not run; re-serializing keeps it correct if it does.
    auto document = nlohmann::json::parse(*request.body, nullptr, false);
    if (document.is_object()) document["model"] = candidate.deployment->model;
    message.body() = document.dump();
  }
  message.keep_alive(true);
  message.prepare_payload();
  return message;
}

}  // namespace pointsman::upstream
