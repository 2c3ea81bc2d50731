#pragma once

#include <pointsman/analyze/features.hpp>
#include <pointsman/analyze/semantic_text_encoder.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::analyze {

class InvertedIndex;

/// How a route's similarity to a request is measured.
enum class SemanticScoring {
  /// The cosine with the route's closest example.
  NearestExample,
  /// The cosine with the normalised mean of the route's examples.
  Centroid,
  /// The larger of the two.
  Larger,
};

/// Settings of a `SemanticRouter`.
struct SemanticRouterOptions {
  TextEncoderOptions encoder;
  SemanticScoring scoring = SemanticScoring::Larger;
  /// Below this cosine similarity no route matches. Default 0.3.
  double threshold = 0.3;
};

/// Matches a request text to the route whose example utterances it resembles most, using the
/// hashed TF-IDF encoder with its idf fitted on all examples. Built once, then read-only and
/// thread-safe. A route whose `semantic.encoder` names an embeddings deployment uses
/// `DenseSemanticRouter` instead.
class SemanticRouter {
 public:
  /// Builds the router from route name to example utterances. Throws `std::invalid_argument`
  /// when there is no route, or a route has no example with at least one word.
  SemanticRouter(const std::map<std::string, std::vector<std::string>>& routes, SemanticRouterOptions options = {});
  ~SemanticRouter();
  SemanticRouter(SemanticRouter&&) noexcept;
  SemanticRouter& operator=(SemanticRouter&&) noexcept;

  /// Returns the most similar route when its similarity reaches the threshold, else nothing.
  std::optional<SemanticMatch> match(std::string_view text) const;

  /// Returns the most similar route and its similarity, whatever the threshold. With no shared
  /// feature at all the similarity is 0 and the route is the first by name.
  SemanticMatch nearest(std::string_view text) const;

  /// The same for a text that the caller has scanned with `scanWords`.
  SemanticMatch nearest(const ScannedWords& words) const;

  const SemanticRouterOptions& options() const { return options_; }

 private:
  SemanticRouterOptions options_;
  TextEncoder encoder_;
  std::vector<std::string> route_names_;
  /// Route position of each example, in the example index's id order.
  std::vector<std::uint32_t> example_routes_;
  std::unique_ptr<InvertedIndex> examples_;
  /// One normalised centroid per route, ids in `route_names_` order.
  std::unique_ptr<InvertedIndex> centroids_;
};

}  // namespace pointsman::analyze
