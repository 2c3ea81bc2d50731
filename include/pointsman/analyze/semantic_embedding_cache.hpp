#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pointsman::analyze {

/// A least-recently-used cache of embeddings keyed by (model, text), so that a repeated request
/// text costs no second `/v1/embeddings` call. Not thread-safe: each worker owns one, the same
/// way each worker owns its connection pool.
class EmbeddingCache {
 public:
  using Vector = std::shared_ptr<const std::vector<float>>;

  /// Creates a cache of at most `capacity` entries; 0 stores nothing.
  explicit EmbeddingCache(std::size_t capacity) : capacity_(capacity) {}

  /// Returns the cached vector and marks it most recently used, or null.
  Vector find(std::string_view model, std::string_view text);

  /// Stores `vector`, replacing an entry with the same key, and evicts the least recently used
  /// entry when the cache is full.
  void insert(std::string_view model, std::string_view text, std::vector<float> vector);

  std::size_t size() const { return entries_.size(); }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string key;
    Vector vector;
  };

  static std::string keyOf(std::string_view model, std::string_view text);

  std::size_t capacity_;
  /// Most recently used first.
  std::list<Entry> entries_;
  std::unordered_map<std::string_view, std::list<Entry>::iterator> positions_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace pointsman::analyze
