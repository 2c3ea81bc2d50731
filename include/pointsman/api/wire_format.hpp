#pragma once

namespace pointsman::api {

/// The API a client or a provider speaks.
enum class WireFormat {
  /// OpenAI chat completions (and every OpenAI-compatible server).
  OpenAi,
  /// Anthropic Messages (`/v1/messages`).
  Anthropic,
};

}  // namespace pointsman::api
