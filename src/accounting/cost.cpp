#include <pointsman/accounting/cost.hpp>

#include <algorithm>
#include <cmath>

namespace pointsman::accounting {
namespace {

// USD per million tokens times tokens gives micro-USD; a thousand nano-USD each.
double nanosFor(std::int64_t tokens, double usd_per_million) {
  return static_cast<double>(tokens) * usd_per_million * 1000.0;
}

}  // namespace

PricedTokens pricedTokens(const api::Usage& usage, std::int64_t cache_write_tokens) {
  PricedTokens tokens;
  const std::int64_t prompt = std::max<std::int64_t>(0, usage.prompt_tokens);
  tokens.cached_input = std::clamp<std::int64_t>(usage.cached_prompt_tokens, 0, prompt);
  tokens.cache_write = std::clamp<std::int64_t>(cache_write_tokens, 0, prompt - tokens.cached_input);
  tokens.uncached_input = prompt - tokens.cached_input - tokens.cache_write;
  tokens.output = std::max<std::int64_t>(0, usage.completion_tokens);
  tokens.reasoning = std::clamp<std::int64_t>(usage.reasoning_tokens, 0, tokens.output);
  tokens.clamped = usage.cached_prompt_tokens > prompt || cache_write_tokens + usage.cached_prompt_tokens > prompt ||
                   usage.reasoning_tokens > tokens.output || usage.prompt_tokens < 0 || usage.completion_tokens < 0;
  return tokens;
}

Nanos costOf(const config::Price& price, const PricedTokens& tokens) {
  const double total = nanosFor(tokens.uncached_input, price.input) +
                       nanosFor(tokens.cached_input, price.cached_input.value_or(price.input)) +
                       nanosFor(tokens.cache_write, price.cache_write.value_or(price.input)) +
                       nanosFor(tokens.output, price.output);
  return static_cast<Nanos>(std::llround(total));
}

Nanos worstCaseCost(const config::Price& price, std::int64_t prompt_tokens, std::int64_t output_tokens) {
  PricedTokens tokens;
  tokens.uncached_input = std::max<std::int64_t>(0, prompt_tokens);
  tokens.output = std::max<std::int64_t>(0, output_tokens);
  // A cache write may cost more than a plain input token, so the worst case prices the prompt
  // at the higher of the two.
  config::Price worst = price;
  worst.input = std::max(price.input, price.cache_write.value_or(price.input));
  return costOf(worst, tokens);
}

}  // namespace pointsman::accounting
