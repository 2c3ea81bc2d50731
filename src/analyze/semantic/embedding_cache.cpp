#include <pointsman/analyze/semantic_embedding_cache.hpp>

namespace pointsman::analyze {

std::string EmbeddingCache::keyOf(std::string_view model, std::string_view text) {
  // The model name cannot contain a NUL byte, so the key is unambiguous.
  std::string key;
  key.reserve(model.size() + 1 + text.size());
  key.append(model);
  key.push_back('\0');
  key.append(text);
  return key;
}

EmbeddingCache::Vector EmbeddingCache::find(std::string_view model, std::string_view text) {
  const auto key = keyOf(model, text);
  const auto found = positions_.find(key);
  if (found == positions_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  entries_.splice(entries_.begin(), entries_, found->second);
  return found->second->vector;
}

void EmbeddingCache::insert(std::string_view model, std::string_view text, std::vector<float> vector) {
  if (capacity_ == 0) return;
  auto key = keyOf(model, text);
  if (const auto found = positions_.find(key); found != positions_.end()) {
    found->second->vector = std::make_shared<const std::vector<float>>(std::move(vector));
    entries_.splice(entries_.begin(), entries_, found->second);
    return;
  }
  if (entries_.size() >= capacity_) {
    positions_.erase(entries_.back().key);
    entries_.pop_back();
  }
  entries_.push_front(Entry{std::move(key), std::make_shared<const std::vector<float>>(std::move(vector))});
  // The map's key views the string inside the list node, which does not move while it lives.
  positions_.emplace(entries_.front().key, entries_.begin());
}

}  // namespace pointsman::analyze
