#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::analyze {

/// The reply of an `EmbeddingSource`: one vector per input text, in input order, or an error.
struct EmbeddingReply {
  std::vector<std::vector<float>> embeddings;
  /// Empty on success; otherwise what failed, without any input text.
  std::string error;
};

/// A source of dense text embeddings, such as an OpenAI-compatible `POST /v1/embeddings`
/// endpoint called through the gateway's upstream client. The analyze module does no networking:
/// the app module implements this with its HTTP client, and tests implement it in memory.
class EmbeddingSource {
 public:
  virtual ~EmbeddingSource() = default;

  /// The embedding model's name; part of every cache key, so vectors of two models never mix.
  virtual std::string_view model() const = 0;

  /// Starts embedding `texts` and calls `done` exactly once, on the caller's executor, with the
  /// vectors or an error.
  virtual void embed(std::vector<std::string> texts, std::function<void(EmbeddingReply)> done) = 0;
};

}  // namespace pointsman::analyze
