#pragma once

#include <pointsman/analyze/semantic_dense_router.hpp>
#include <pointsman/config/route_policy.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pointsman::analyze {

/// A route's semantic examples for an embeddings deployment to encode. Loading a config makes no
/// network call. Instead the first request that finds no router requests the example vectors
/// together with its own text and installs the router, which every later request of the same
/// config snapshot reads. One instance per route and snapshot, shared by every worker thread.
class EmbeddedExamples {
 public:
  EmbeddedExamples(config::SemanticEncoderConfig encoder,
                   const std::map<std::string, std::vector<std::string>>& examples_by_route);

  const config::SemanticEncoderConfig& encoder() const { return encoder_; }

  /// Every example text, in the order that `install` expects their vectors.
  const std::vector<std::string>& texts() const { return texts_; }

  /// The router once a request has installed the example vectors; null before.
  std::shared_ptr<const DenseSemanticRouter> router() const;

  /// Builds the router from one vector per text and publishes it, unless another thread
  /// published one first, and returns the published router. Returns null and sets `error` when
  /// the vectors cannot form a router.
  std::shared_ptr<const DenseSemanticRouter> install(std::vector<std::vector<float>> vectors, std::string& error) const;

 private:
  config::SemanticEncoderConfig encoder_;
  std::vector<std::string> texts_;
  /// The route of each text, in `texts_` order.
  std::vector<std::string> text_routes_;
  /// The router that the first request to finish installed. It is read and written only through
  /// the std::atomic_ free functions, so a const snapshot can be shared by all workers.
  mutable std::shared_ptr<const DenseSemanticRouter> router_;
};

}  // namespace pointsman::analyze
