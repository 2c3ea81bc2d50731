#include <pointsman/analyze/semantic_sparse_vector.hpp>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace pointsman::analyze {

double dot(const SparseVector& sparse, std::span<const float> dense) {
  double sum = 0;
  for (std::size_t i = 0; i < sparse.indices.size(); ++i) {
    const auto index = sparse.indices[i];
    if (index < dense.size()) sum += static_cast<double>(sparse.values[i]) * dense[index];
  }
  return sum;
}

double cosineSimilarity(const SparseVector& left, const SparseVector& right) {
  std::unordered_map<std::uint32_t, float> left_weights;
  left_weights.reserve(left.size());
  double left_norm = 0;
  for (std::size_t i = 0; i < left.size(); ++i) {
    left_weights[left.indices[i]] += left.values[i];
    left_norm += static_cast<double>(left.values[i]) * left.values[i];
  }
  double right_norm = 0;
  double product = 0;
  for (std::size_t i = 0; i < right.size(); ++i) {
    right_norm += static_cast<double>(right.values[i]) * right.values[i];
    if (const auto found = left_weights.find(right.indices[i]); found != left_weights.end()) {
      product += static_cast<double>(found->second) * right.values[i];
    }
  }
  if (left_norm <= 0 || right_norm <= 0) return 0;
  return product / std::sqrt(left_norm * right_norm);
}

void normalizeL2(SparseVector& vector) {
  double norm = 0;
  for (const auto value : vector.values) norm += static_cast<double>(value) * value;
  if (norm <= 0) return;
  const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (auto& value : vector.values) value *= scale;
}

}  // namespace pointsman::analyze
