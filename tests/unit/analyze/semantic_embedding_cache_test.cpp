#include <pointsman/analyze/semantic_embedding_cache.hpp>

#include <gtest/gtest.h>

namespace pointsman::analyze {
namespace {

TEST(EmbeddingCache, ReturnsStoredVector) {
  EmbeddingCache cache(4);
  cache.insert("embed-small", "hello", {1.0F, 2.0F});
  const auto found = cache.find("embed-small", "hello");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(*found, (std::vector<float>{1.0F, 2.0F}));
  EXPECT_EQ(cache.hits(), 1U);
}

TEST(EmbeddingCache, ModelsDoNotShareEntries) {
  EmbeddingCache cache(4);
  cache.insert("model-a", "hello", {1.0F});
  EXPECT_EQ(cache.find("model-b", "hello"), nullptr);
  EXPECT_EQ(cache.misses(), 1U);
}

TEST(EmbeddingCache, EvictsLeastRecentlyUsed) {
  EmbeddingCache cache(2);
  cache.insert("m", "first", {1.0F});
  cache.insert("m", "second", {2.0F});
  ASSERT_NE(cache.find("m", "first"), nullptr);  // "second" is now the least recently used
  cache.insert("m", "third", {3.0F});
  EXPECT_EQ(cache.size(), 2U);
  EXPECT_NE(cache.find("m", "first"), nullptr);
  EXPECT_EQ(cache.find("m", "second"), nullptr);
  EXPECT_NE(cache.find("m", "third"), nullptr);
}

TEST(EmbeddingCache, InsertReplacesExistingKey) {
  EmbeddingCache cache(2);
  cache.insert("m", "text", {1.0F});
  const auto old_vector = cache.find("m", "text");
  cache.insert("m", "text", {5.0F});
  EXPECT_EQ(cache.size(), 1U);
  EXPECT_EQ(*cache.find("m", "text"), std::vector<float>{5.0F});
  EXPECT_EQ(*old_vector, std::vector<float>{1.0F});  // a caller's copy stays valid
}

TEST(EmbeddingCache, ZeroCapacityStoresNothing) {
  EmbeddingCache cache(0);
  cache.insert("m", "text", {1.0F});
  EXPECT_EQ(cache.size(), 0U);
  EXPECT_EQ(cache.find("m", "text"), nullptr);
}

}  // namespace
}  // namespace pointsman::analyze
