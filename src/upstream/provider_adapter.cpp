#include <pointsman/upstream/provider_adapter.hpp>

#include <pointsman/api/anthropic/messages_response.hpp>
#include <pointsman/upstream/anthropic/response_translation.hpp>
#include <pointsman/upstream/plan_executor.hpp>

#include <nlohmann/json.hpp>

#include <ctime>

namespace pointsman::upstream {
namespace {

api::WireFormat formatOf(const config::ProviderConfig& provider) {
  return provider.type == config::ProviderType::Anthropic ? api::WireFormat::Anthropic : api::WireFormat::OpenAi;
}

/// Whether the OpenAI client asked for the usage chunk (`stream_options.include_usage`).
bool clientWantsUsage(const std::string* body) {
  if (!body) return false;
  const auto parsed = nlohmann::json::parse(*body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("stream_options")) return false;
  const auto& options = parsed["stream_options"];
  return options.is_object() && options.contains("include_usage") && options["include_usage"] == true;
}

std::int64_t unixSeconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

ProviderAdapter::ProviderAdapter(const ExecutionRequest& request, const route::Candidate& candidate)
    : client_(request.client_format),
      provider_(formatOf(*candidate.provider)),
      counting_tokens_(request.messages_path.ends_with("/count_tokens")) {
  if (!request.stream || !translates()) return;
  if (provider_ == api::WireFormat::Anthropic) {
    const bool include_usage = client_ == api::WireFormat::OpenAi && clientWantsUsage(request.body);
    from_anthropic_.emplace(include_usage, unixSeconds());
  }
  if (client_ == api::WireFormat::Anthropic && provider_ == api::WireFormat::OpenAi) to_anthropic_.emplace();
}

void ProviderAdapter::translateError(unsigned& status, std::string& body) const {
  if (provider_ != api::WireFormat::Anthropic) return;
  auto translated = anthropic::toOpenAiError(status, body);
  status = translated.status;
  body = std::move(translated.body);
}

api::ResponseBodyInfo ProviderAdapter::translateResponse(std::string& body) const {
  if (!translates()) return api::inspectResponseBody(body);
  if (counting_tokens_) {
    api::ResponseBodyInfo info;
    info.valid_json = nlohmann::json::accept(body);
    return info;
  }
  if (provider_ == api::WireFormat::OpenAi) {
    // An Anthropic client of an OpenAI deployment.
    auto info = api::inspectResponseBody(body);
    auto message = api::anthropic::toMessagesResponse(body);
    if (!message) return {};
    body = std::move(*message);
    return info;
  }

  auto completion = anthropic::toChatCompletion(body, unixSeconds());
  if (!completion) return {};
  auto info = api::inspectResponseBody(*completion);
  // An Anthropic client of an Anthropic deployment keeps the provider's bytes.
  if (client_ == api::WireFormat::OpenAi) body = std::move(*completion);
  return info;
}

void ProviderAdapter::translateEvent(const http::SseEvent& event, std::vector<RelayEvent>& out) {
  if (from_anthropic_) {
    fromAnthropic(event, out);
    return;
  }
  // An Anthropic client of an OpenAI deployment: the relay reads the upstream chunk itself.
  RelayEvent relay{event.data, {}};
  if (to_anthropic_) to_anthropic_->translate(event.data, relay.wire);
  out.push_back(std::move(relay));
}

void ProviderAdapter::fromAnthropic(const http::SseEvent& event, std::vector<RelayEvent>& out) {
  payloads_.clear();
  from_anthropic_->translate(event.data, payloads_);
  const auto first = out.size();
  for (auto& payload : payloads_) {
    RelayEvent relay{std::move(payload.data), {}};
    if (client_ == api::WireFormat::OpenAi && payload.for_client) relay.wire = "data: " + relay.data + "\n\n";
    out.push_back(std::move(relay));
  }
  if (client_ != api::WireFormat::Anthropic) return;

  // Pass-through: the client gets the provider's own event once, with the last payload it
  // produced, so it goes out when the relay acts on that payload (e.g. message_stop with [DONE]).
  if (out.size() == first) out.push_back({});
  out.back().wire = http::formatSseEvent(event);
}

}  // namespace pointsman::upstream
