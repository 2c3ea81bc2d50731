#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace pointsman::analyze {

/// A sparse feature vector: parallel arrays of bucket indices and weights. Indices are unique but
/// not sorted, because every consumer either scatters one side into a dense array or walks an
/// inverted index, and sorting would cost more than the encoding itself on long prompts.
struct SparseVector {
  std::vector<std::uint32_t> indices;
  std::vector<float> values;

  std::size_t size() const { return indices.size(); }
  bool empty() const { return indices.empty(); }
};

/// Computes the dot product of `sparse` with `dense`; indices past the end of `dense` count as 0.
double dot(const SparseVector& sparse, std::span<const float> dense);

/// Computes the cosine similarity of two sparse vectors; 0 when either is empty or all zeros.
double cosineSimilarity(const SparseVector& left, const SparseVector& right);

/// Scales `vector` to unit L2 norm; a zero vector stays as it is.
void normalizeL2(SparseVector& vector);

}  // namespace pointsman::analyze
