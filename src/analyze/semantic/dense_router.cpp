#include <pointsman/analyze/semantic_dense_router.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pointsman::analyze {
namespace {

double lengthOf(std::span<const float> vector) {
  double squares = 0;
  for (const float value : vector) squares += static_cast<double>(value) * value;
  return std::sqrt(squares);
}

}  // namespace

DenseSemanticRouter::Built DenseSemanticRouter::build(const std::vector<std::string>& example_routes,
                                                      std::vector<std::vector<float>> example_vectors) {
  if (example_vectors.empty()) return {nullptr, "no example vectors"};
  if (example_vectors.size() != example_routes.size()) {
    return {nullptr, std::to_string(example_vectors.size()) + " vectors for " + std::to_string(example_routes.size()) +
                         " examples"};
  }

  // make_shared cannot reach the private constructor.
  std::shared_ptr<DenseSemanticRouter> router(new DenseSemanticRouter());
  router->dimension_ = example_vectors.front().size();
  for (auto& vector : example_vectors) {
    if (vector.size() != router->dimension_) {
      return {nullptr, "example vectors of " + std::to_string(router->dimension_) + " and " +
                           std::to_string(vector.size()) + " dimensions"};
    }
    const double length = lengthOf(vector);
    if (length == 0) return {nullptr, "an example vector is all zeros"};
    for (float& value : vector) value = static_cast<float>(value / length);
  }
  router->example_routes_ = example_routes;
  router->examples_ = std::move(example_vectors);
  return {std::move(router), {}};
}

std::optional<SemanticMatch> DenseSemanticRouter::nearest(std::span<const float> query) const {
  if (query.size() != dimension_) return std::nullopt;
  const double query_length = lengthOf(query);
  if (query_length == 0) return std::nullopt;

  // The products are not yet divided by the query's length, so they can lie anywhere.
  std::size_t best = 0;
  double best_similarity = -std::numeric_limits<double>::infinity();
  for (std::size_t id = 0; id < examples_.size(); ++id) {
    double product = 0;
    for (std::size_t i = 0; i < dimension_; ++i) product += static_cast<double>(examples_[id][i]) * query[i];
    if (product > best_similarity) {
      best_similarity = product;
      best = id;
    }
  }
  // Float rounding can carry a cosine just past ±1.
  const double similarity = std::clamp(best_similarity / query_length, -1.0, 1.0);
  return SemanticMatch{example_routes_[best], similarity};
}

}  // namespace pointsman::analyze
