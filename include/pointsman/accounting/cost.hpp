#pragma once

#include <pointsman/accounting/money.hpp>
#include <pointsman/api/usage.hpp>
#include <pointsman/config/config.hpp>

#include <cstdint>

namespace pointsman::accounting {

/// One answer's tokens split by how a provider prices them. The classes do not overlap, so each
/// token is priced once.
struct PricedTokens {
  std::int64_t uncached_input = 0;
  std::int64_t cached_input = 0;
  std::int64_t cache_write = 0;
  /// Output tokens, reasoning tokens included.
  std::int64_t output = 0;
  /// The part of `output` that was reasoning; recorded, not priced again.
  std::int64_t reasoning = 0;
  /// True when the upstream's counts contradicted each other (more cached than prompt tokens,
  /// more reasoning than completion tokens) and a class was clamped to zero.
  bool clamped = false;
};

/// Splits OpenAI-shaped usage into priced classes. `prompt_tokens` includes the cached tokens
/// and `cache_write_tokens` (prompt tokens a provider billed as cache writes, such as Anthropic's
/// `cache_creation_input_tokens` once translated); `completion_tokens` includes reasoning.
PricedTokens pricedTokens(const api::Usage& usage, std::int64_t cache_write_tokens = 0);

/// The cost of `tokens` at `price` (USD per million tokens). A missing `cached_input` or
/// `cache_write` price falls back to `input`, as the config documents.
Nanos costOf(const config::Price& price, const PricedTokens& tokens);

/// The most a request can cost: every prompt token uncached at the input price plus
/// `output_tokens` at the output price. This is what admission reserves.
Nanos worstCaseCost(const config::Price& price, std::int64_t prompt_tokens, std::int64_t output_tokens);

}  // namespace pointsman::accounting
