#pragma once

// The request-path half of semantic routing with an embeddings deployment as encoder: it calls
// the deployment through the gateway's own plan executor, so breakers, retries, key pools and
// timeouts apply to these calls as to any other.

#include <pointsman/analyze/features.hpp>
#include <pointsman/analyze/semantic_embedded_examples.hpp>
#include <pointsman/analyze/semantic_embedding_cache.hpp>
#include <pointsman/config/config.hpp>
#include <pointsman/upstream/plan_executor.hpp>

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::app {

/// Fills `features.semantic` for routes whose semantic policy names an `encoder:` deployment.
/// One per worker, like the connection pool its executor uses, so its cache of request-text
/// embeddings takes no lock.
class SemanticEmbedder {
 public:
  explicit SemanticEmbedder(upstream::PlanExecutor& executor) : executor_(executor) {}

  /// Embeds the request's text, and the route's examples when this config snapshot has no
  /// vectors for them yet, then stores the closest example's route in `features.semantic`. When
  /// the deployment fails or its reply is unusable, `semantic` stays empty and
  /// `features.semantic_unavailable` gives the reason. The policy then falls through, and the
  /// request goes on.
  /// `upstream` carries what every upstream call of this request shares: the client request (for
  /// forwarded headers), the request id, the breakers and the key pools.
  boost::asio::awaitable<void> embed(const config::Config& config, const analyze::EmbeddedExamples& examples,
                                     std::string_view chat_body, const upstream::ExecutionRequest& upstream,
                                     analyze::Features& features);

 private:
  /// One vector per input text, or why there are none. `error` never contains input text.
  struct Vectors {
    std::vector<std::vector<float>> vectors;
    std::string error;
  };

  boost::asio::awaitable<Vectors> fetch(const config::Config& config, const config::SemanticEncoderConfig& encoder,
                                        const std::vector<std::string>& texts, upstream::ExecutionRequest execution);
  analyze::EmbeddingCache& cacheFor(const std::string& key, std::size_t capacity);

  upstream::PlanExecutor& executor_;
  /// By deployment, model, dimensions and capacity, so a reload that changes any of them starts
  /// a fresh cache. Only a few encoders are ever configured, so old caches are left in place.
  std::map<std::string, analyze::EmbeddingCache> caches_;
};

}  // namespace pointsman::app
