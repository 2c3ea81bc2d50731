// Pricing of each usage shape, including the cases where providers report cache classes.

#include <pointsman/accounting/cost.hpp>

#include <gtest/gtest.h>

namespace pointsman::accounting {
namespace {

config::Price openAiPrice() {
  config::Price price;
  price.input = 2.50;
  price.cached_input = 1.25;
  price.output = 10.00;
  return price;
}

config::Price anthropicPrice() {
  config::Price price;
  price.input = 3.00;
  price.cached_input = 0.30;
  price.cache_write = 3.75;
  price.output = 15.00;
  return price;
}

TEST(Cost, PlainUsagePricesInputAndOutput) {
  api::Usage usage;
  usage.prompt_tokens = 1000;
  usage.completion_tokens = 500;
  const auto tokens = pricedTokens(usage);
  EXPECT_EQ(tokens.uncached_input, 1000);
  EXPECT_EQ(tokens.output, 500);
  // 1000 x 2.50e-6 + 500 x 10e-6 = 0.0075 USD.
  EXPECT_EQ(costOf(openAiPrice(), tokens), 7'500'000);
  EXPECT_EQ(formatUsd(costOf(openAiPrice(), tokens)), "0.007500");
}

TEST(Cost, CachedTokensPricedOnceAtCachedRate) {
  // 86 uncached, 1920 cached and 300 output tokens.
  api::Usage usage;
  usage.prompt_tokens = 2006;
  usage.completion_tokens = 300;
  usage.cached_prompt_tokens = 1920;
  const auto tokens = pricedTokens(usage);
  EXPECT_EQ(tokens.uncached_input, 86);
  EXPECT_EQ(tokens.cached_input, 1920);
  EXPECT_FALSE(tokens.clamped);
  EXPECT_EQ(costOf(openAiPrice(), tokens), 5'615'000);
  EXPECT_EQ(formatUsd(costOf(openAiPrice(), tokens)), "0.005615");
}

TEST(Cost, AnthropicCacheReadAndWriteEachPricedOnce) {
  // Anthropic usage as the translation reports it: prompt_tokens 2250 = 50 uncached + 1900 read
  // from the cache + 300 written to it.
  api::Usage usage;
  usage.prompt_tokens = 2250;
  usage.completion_tokens = 200;
  usage.cached_prompt_tokens = 1900;
  const auto tokens = pricedTokens(usage, 300);
  EXPECT_EQ(tokens.uncached_input, 50);
  EXPECT_EQ(tokens.cached_input, 1900);
  EXPECT_EQ(tokens.cache_write, 300);
  EXPECT_EQ(costOf(anthropicPrice(), tokens), 4'845'000);
}

TEST(Cost, ReasoningTokensCountedOnceAsOutput) {
  api::Usage usage;
  usage.prompt_tokens = 10;
  usage.completion_tokens = 100;
  usage.reasoning_tokens = 80;
  const auto tokens = pricedTokens(usage);
  EXPECT_EQ(tokens.output, 100);
  EXPECT_EQ(tokens.reasoning, 80);
  EXPECT_EQ(costOf(openAiPrice(), tokens), 10 * 2500 + 100 * 10'000);
}

TEST(Cost, InconsistentCountsClampedAndFlagged) {
  api::Usage usage;
  usage.prompt_tokens = 100;
  usage.completion_tokens = 10;
  usage.cached_prompt_tokens = 150;
  usage.reasoning_tokens = 20;
  const auto tokens = pricedTokens(usage);
  EXPECT_TRUE(tokens.clamped);
  EXPECT_EQ(tokens.cached_input, 100);
  EXPECT_EQ(tokens.uncached_input, 0);
  EXPECT_EQ(tokens.reasoning, 10);
}

TEST(Cost, MissingCachedPriceFallsBackToInput) {
  config::Price price;
  price.input = 1.0;
  price.output = 2.0;
  api::Usage usage;
  usage.prompt_tokens = 10;
  usage.cached_prompt_tokens = 4;
  EXPECT_EQ(costOf(price, pricedTokens(usage)), 10 * 1000);
}

TEST(Cost, WorstCaseCoversAnyCacheSplit) {
  const auto worst = worstCaseCost(anthropicPrice(), 2250, 200);
  api::Usage usage;
  usage.prompt_tokens = 2250;
  usage.completion_tokens = 200;
  EXPECT_GE(worst, costOf(anthropicPrice(), pricedTokens(usage, 2250)));
  EXPECT_GE(worst, costOf(anthropicPrice(), pricedTokens(usage)));
}

TEST(Money, FormatsSixDecimalsRoundedHalfUp) {
  EXPECT_EQ(formatUsd(0), "0.000000");
  EXPECT_EQ(formatUsd(1'500), "0.000002");
  EXPECT_EQ(formatUsd(1'499), "0.000001");
  EXPECT_EQ(formatUsd(12 * kNanosPerUsd + 340'000'000), "12.340000");
  EXPECT_EQ(nanosFromUsd(0.004), 4'000'000);
}

}  // namespace
}  // namespace pointsman::accounting
