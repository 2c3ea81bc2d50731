#pragma once

#include <pointsman/api/anthropic/messages_stream.hpp>
#include <pointsman/api/usage.hpp>
#include <pointsman/api/wire_format.hpp>
#include <pointsman/http/sse_parser.hpp>
#include <pointsman/route/plan.hpp>
#include <pointsman/upstream/anthropic/stream_translator.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pointsman::upstream {

struct ExecutionRequest;

/// One event for the stream relay after translation.
struct RelayEvent {
  /// The OpenAI `data:` payload the relay inspects for the commit point, usage, errors and
  /// `[DONE]`; empty for an event that means nothing to it.
  std::string data;
  /// The bytes for the client, in the client's format; empty when nothing is sent.
  std::string wire;
};

/// The formats of one attempt: what the client speaks and what the deployment's provider
/// speaks, and the translations between them. Nothing is translated when both speak OpenAI, and
/// an Anthropic client's request to an Anthropic deployment passes through untranslated; the
/// relay then reads the stream through a translated copy only.
class ProviderAdapter {
 public:
  ProviderAdapter(const ExecutionRequest& request, const route::Candidate& candidate);

  [[nodiscard]] api::WireFormat providerFormat() const { return provider_; }
  [[nodiscard]] bool translates() const { return client_ != api::WireFormat::OpenAi || provider_ != api::WireFormat::OpenAi; }

  /// Rewrites an error answer as an OpenAI error body, which the retry layer reads; an
  /// Anthropic 529 becomes 503.
  void translateError(unsigned& status, std::string& body) const;

  /// Rewrites a successful answer into the client's format and reads its usage; `valid_json`
  /// is false when the answer is not the provider's response shape.
  api::ResponseBodyInfo translateResponse(std::string& body) const;

  /// Appends the relay events for one upstream stream event.
  void translateEvent(const http::SseEvent& event, std::vector<RelayEvent>& out);

 private:
  void fromAnthropic(const http::SseEvent& event, std::vector<RelayEvent>& out);

  api::WireFormat client_;
  api::WireFormat provider_;
  /// Anthropic `count_tokens` answers carry no message and pass through as JSON.
  bool counting_tokens_ = false;
  std::optional<anthropic::StreamTranslator> from_anthropic_;
  std::optional<api::anthropic::MessagesStreamTranslator> to_anthropic_;
  std::vector<anthropic::ChunkPayload> payloads_;
};

}  // namespace pointsman::upstream
