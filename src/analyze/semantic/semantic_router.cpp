#include <pointsman/analyze/semantic_router.hpp>

#include "analyze/semantic/inverted_index.hpp"

#include <stdexcept>
#include <unordered_map>

namespace pointsman::analyze {
namespace {

SparseVector centroidOf(const std::vector<SparseVector>& vectors) {
  std::unordered_map<std::uint32_t, float> sums;
  for (const auto& vector : vectors) {
    for (std::size_t i = 0; i < vector.size(); ++i) sums[vector.indices[i]] += vector.values[i];
  }
  SparseVector centroid;
  for (const auto& [bucket, sum] : sums) {
    centroid.indices.push_back(bucket);
    centroid.values.push_back(sum);
  }
  normalizeL2(centroid);
  return centroid;
}

}  // namespace

SemanticRouter::SemanticRouter(const std::map<std::string, std::vector<std::string>>& routes,
                               SemanticRouterOptions options)
    : options_(options), encoder_(options.encoder) {
  if (routes.empty()) throw std::invalid_argument("semantic router: at least one route is required");
  std::vector<std::string> corpus;
  for (const auto& [name, examples] : routes) corpus.insert(corpus.end(), examples.begin(), examples.end());
  encoder_.fit(corpus);

  std::vector<SparseVector> example_vectors;
  std::vector<SparseVector> centroid_vectors;
  for (const auto& [name, examples] : routes) {
    std::vector<SparseVector> route_vectors;
    for (const auto& example : examples) {
      auto vector = encoder_.encode(example);
      if (!vector.empty()) route_vectors.push_back(std::move(vector));
    }
    if (route_vectors.empty()) {
      throw std::invalid_argument("semantic router: route \"" + name + "\" has no example with a word in it");
    }
    centroid_vectors.push_back(centroidOf(route_vectors));
    for (auto& vector : route_vectors) {
      example_vectors.push_back(std::move(vector));
      example_routes_.push_back(static_cast<std::uint32_t>(route_names_.size()));
    }
    route_names_.push_back(name);
  }
  examples_ = std::make_unique<InvertedIndex>(example_vectors, encoder_.dimension());
  centroids_ = std::make_unique<InvertedIndex>(centroid_vectors, encoder_.dimension());
}

SemanticRouter::~SemanticRouter() = default;
SemanticRouter::SemanticRouter(SemanticRouter&&) noexcept = default;
SemanticRouter& SemanticRouter::operator=(SemanticRouter&&) noexcept = default;

SemanticMatch SemanticRouter::nearest(std::string_view text) const {
  thread_local ScannedWords words;
  scanWords(text, words);
  return nearest(words);
}

SemanticMatch SemanticRouter::nearest(const ScannedWords& words) const {
  const auto query = encoder_.encode(words);
  thread_local std::vector<float> products;
  std::vector<double> similarity(route_names_.size(), 0.0);

  if (options_.scoring != SemanticScoring::Centroid) {
    examples_->dotAll(query, products);
    for (std::size_t id = 0; id < products.size(); ++id) {
      auto& best = similarity[example_routes_[id]];
      best = std::max(best, static_cast<double>(products[id]));
    }
  }
  if (options_.scoring != SemanticScoring::NearestExample) {
    centroids_->dotAll(query, products);
    for (std::size_t route = 0; route < products.size(); ++route) {
      similarity[route] = std::max(similarity[route], static_cast<double>(products[route]));
    }
  }

  std::size_t best_route = 0;
  for (std::size_t route = 1; route < similarity.size(); ++route) {
    if (similarity[route] > similarity[best_route]) best_route = route;
  }
  // Float sums of unit vectors can pass 1 by a rounding error.
  return SemanticMatch{route_names_[best_route], std::min(similarity[best_route], 1.0)};
}

std::optional<SemanticMatch> SemanticRouter::match(std::string_view text) const {
  auto best = nearest(text);
  if (best.similarity < options_.threshold) return std::nullopt;
  return best;
}

}  // namespace pointsman::analyze
