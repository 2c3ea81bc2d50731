#include <pointsman/api/endpoint.hpp>

namespace pointsman::api {

Endpoint endpointForPath(std::string_view path_after_v1) {
  if (path_after_v1 == "/chat/completions") return Endpoint::ChatCompletions;
  if (path_after_v1 == "/completions") return Endpoint::Completions;
  if (path_after_v1 == "/embeddings") return Endpoint::Embeddings;
  return Endpoint::Passthrough;
}

bool endpointStreams(Endpoint endpoint) {
  return endpoint == Endpoint::ChatCompletions || endpoint == Endpoint::Completions ||
         endpoint == Endpoint::Passthrough;
}

std::string_view endpointName(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::ChatCompletions: return "chat_completions";
    case Endpoint::Completions: return "completions";
    case Endpoint::Embeddings: return "embeddings";
    case Endpoint::Passthrough: return "passthrough";
  }
  return "passthrough";
}

}  // namespace pointsman::api
