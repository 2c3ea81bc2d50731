#pragma once

#include <pointsman/analyze/features.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pointsman::analyze {

/// Matches a request's embedding to the route whose closest example embedding it resembles most,
/// by cosine similarity. The vectors come from an embeddings deployment. Read-only and
/// thread-safe once built.
class DenseSemanticRouter {
 public:
  /// The router, or why the vectors cannot form one.
  struct Built {
    std::shared_ptr<const DenseSemanticRouter> router;
    std::string error;
  };

  /// Builds a router from each example's route name and vector, given in the same order. Fails
  /// when the two lists differ in length or are empty, or when a vector is all zeros or has
  /// another dimension than the first.
  static Built build(const std::vector<std::string>& example_routes, std::vector<std::vector<float>> example_vectors);

  /// Returns the route of the closest example and its cosine similarity; nothing when `query`
  /// has another dimension than the examples or is all zeros.
  std::optional<SemanticMatch> nearest(std::span<const float> query) const;

  /// The dimension that every example vector has.
  std::size_t dimension() const { return dimension_; }

 private:
  DenseSemanticRouter() = default;

  std::size_t dimension_ = 0;
  /// The route of each example, in `examples_` order.
  std::vector<std::string> example_routes_;
  /// The example vectors at unit length.
  std::vector<std::vector<float>> examples_;
};

}  // namespace pointsman::analyze
