#include <pointsman/upstream/key_pool.hpp>

#include <gtest/gtest.h>

namespace pointsman::upstream {
namespace {

using Clock = KeyPool::Clock;

std::vector<config::WeightedKey> keys(std::initializer_list<double> weights) {
  std::vector<config::WeightedKey> result;
  for (const double weight : weights) result.push_back({config::Secret("k"), weight});
  return result;
}

TEST(KeyPool, PicksInProportionToWeights) {
  KeyPool pool(keys({3, 1}));
  const auto now = Clock::now();

  EXPECT_EQ(pool.pick(now, 0.0), 0u);
  EXPECT_EQ(pool.pick(now, 0.74), 0u);
  EXPECT_EQ(pool.pick(now, 0.76), 1u);
  EXPECT_EQ(pool.pick(now, 0.999), 1u);
}

TEST(KeyPool, CoolingKeyIsSkippedUntilItReturns) {
  KeyPool pool(keys({1, 1}));
  const auto now = Clock::now();
  pool.coolDown(0, now + std::chrono::seconds(5));

  EXPECT_EQ(pool.pick(now, 0.0), 1u);
  EXPECT_EQ(pool.pick(now, 0.99), 1u);
  EXPECT_EQ(pool.pick(now + std::chrono::seconds(6), 0.0), 0u);
}

TEST(KeyPool, EveryKeyCoolingPicksNothing) {
  KeyPool pool(keys({1, 2}));
  const auto now = Clock::now();
  pool.coolDown(0, now + std::chrono::seconds(5));
  pool.coolDown(1, now + std::chrono::seconds(2));

  EXPECT_FALSE(pool.pick(now, 0.5).has_value());
  EXPECT_EQ(pool.earliestReturn(), now + std::chrono::seconds(2));
}

TEST(KeyPool, EarlierCoolDownNeverShortens) {
  KeyPool pool(keys({1}));
  const auto now = Clock::now();
  pool.coolDown(0, now + std::chrono::seconds(5));
  pool.coolDown(0, now + std::chrono::seconds(1));

  EXPECT_FALSE(pool.pick(now + std::chrono::seconds(2), 0.0).has_value());
}

}  // namespace
}  // namespace pointsman::upstream
