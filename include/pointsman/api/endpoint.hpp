#pragma once

#include <optional>
#include <string_view>

namespace pointsman::api {

/// The OpenAI endpoints the gateway understands. `Passthrough` is any other `/v1/` POST that
/// carries a `model` (moderations, images, audio, responses): forwarded unchanged.
enum class Endpoint { ChatCompletions, Completions, Embeddings, Passthrough };

/// The endpoint for a POST path under `/v1`, e.g. "/chat/completions".
Endpoint endpointForPath(std::string_view path_after_v1);

/// Whether answers of this endpoint may be streamed as SSE.
bool endpointStreams(Endpoint endpoint);

std::string_view endpointName(Endpoint endpoint);

}  // namespace pointsman::api
