#pragma once

#include <pointsman/analyze/semantic_sparse_vector.hpp>

#include <cstdint>
#include <vector>

namespace pointsman::analyze {

/// Sparse vectors indexed by bucket, so that the dot products of one query with every stored
/// vector cost as much as the postings of the query's buckets, not the number of vectors times
/// their length. Built once, then read-only and thread-safe.
class InvertedIndex {
 public:
  /// Builds the index over `vectors`; their positions become their ids.
  InvertedIndex(const std::vector<SparseVector>& vectors, std::uint32_t dimension);

  /// Computes the dot product of `query` with every stored vector, indexed by id.
  void dotAll(const SparseVector& query, std::vector<float>& products) const;

  std::size_t size() const { return count_; }

 private:
  std::size_t count_ = 0;
  /// Start of each bucket's postings in `ids_` and `weights_`; one entry more than buckets.
  std::vector<std::uint32_t> offsets_;
  std::vector<std::uint32_t> ids_;
  std::vector<float> weights_;
};

}  // namespace pointsman::analyze
