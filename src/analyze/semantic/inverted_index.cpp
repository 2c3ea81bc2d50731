#include "analyze/semantic/inverted_index.hpp"

#include <algorithm>

namespace pointsman::analyze {

InvertedIndex::InvertedIndex(const std::vector<SparseVector>& vectors, std::uint32_t dimension)
    : count_(vectors.size()), offsets_(dimension + 1, 0) {
  for (const auto& vector : vectors) {
    for (const auto bucket : vector.indices) ++offsets_[bucket + 1];
  }
  for (std::size_t bucket = 0; bucket < dimension; ++bucket) offsets_[bucket + 1] += offsets_[bucket];
  ids_.resize(offsets_.back());
  weights_.resize(offsets_.back());
  std::vector<std::uint32_t> next(offsets_.begin(), offsets_.end() - 1);
  for (std::uint32_t id = 0; id < vectors.size(); ++id) {
    const auto& vector = vectors[id];
    for (std::size_t i = 0; i < vector.size(); ++i) {
      const auto slot = next[vector.indices[i]]++;
      ids_[slot] = id;
      weights_[slot] = vector.values[i];
    }
  }
}

void InvertedIndex::dotAll(const SparseVector& query, std::vector<float>& products) const {
  products.assign(count_, 0.0F);
  for (std::size_t i = 0; i < query.size(); ++i) {
    const auto bucket = query.indices[i];
    if (bucket + 1 >= offsets_.size()) continue;
    const float weight = query.values[i];
    for (auto slot = offsets_[bucket]; slot < offsets_[bucket + 1]; ++slot) products[ids_[slot]] += weight * weights_[slot];
  }
}

}  // namespace pointsman::analyze
