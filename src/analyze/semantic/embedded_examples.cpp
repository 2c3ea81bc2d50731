#include <pointsman/analyze/semantic_embedded_examples.hpp>

#include <atomic>

namespace pointsman::analyze {

EmbeddedExamples::EmbeddedExamples(config::SemanticEncoderConfig encoder,
                                   const std::map<std::string, std::vector<std::string>>& examples_by_route)
    : encoder_(std::move(encoder)) {
  for (const auto& [route, examples] : examples_by_route) {
    for (const auto& example : examples) {
      texts_.push_back(example);
      text_routes_.push_back(route);
    }
  }
}

std::shared_ptr<const DenseSemanticRouter> EmbeddedExamples::router() const { return std::atomic_load(&router_); }

std::shared_ptr<const DenseSemanticRouter> EmbeddedExamples::install(std::vector<std::vector<float>> vectors,
                                                                     std::string& error) const {
  auto built = DenseSemanticRouter::build(text_routes_, std::move(vectors));
  if (!built.router) {
    error = std::move(built.error);
    return nullptr;
  }
  // Two requests may fetch the examples at once. The first to finish wins, and both use its router.
  std::shared_ptr<const DenseSemanticRouter> expected;
  if (std::atomic_compare_exchange_strong(&router_, &expected, built.router)) return built.router;
  return expected;
}

}  // namespace pointsman::analyze
