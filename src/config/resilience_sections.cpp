// The `resilience:` section and the `retry:` block that routes share with it.

#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <array>
#include <charconv>

namespace pointsman::config {

namespace {

constexpr std::array<std::string_view, 4> kResilienceKeys = {"retry", "breaker", "max_in_flight",
                                                             "request_timeout_ms"};
constexpr std::array<std::string_view, 7> kRetryKeys = {
    "max_attempts_per_deployment", "max_total_attempts",         "base_backoff_ms",
    "max_backoff_ms",              "retry_same_on_429",          "failover_on_content_filter",
    "max_retry_after_ms"};
constexpr std::array<std::string_view, 5> kBreakerKeys = {
    "consecutive_failures", "failure_rate", "min_requests", "cool_down_ms", "max_probes"};

// Shortest text that reads back as `value`, so 1.5 prints as "1.5", not "1.500000".
std::string formatNumber(double value) {
  std::array<char, 32> buffer{};
  const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return error == std::errc() ? std::string(buffer.data(), end) : std::to_string(value);
}

// Reports a `max_backoff_ms` below `base_backoff_ms`. The error goes to the key this block sets,
// because a route may set one of the two and inherit the other from `resilience.retry`.
void checkBackoffOrder(const MapReader& reader, const RetryConfig& retry) {
  if (retry.max_backoff >= retry.base_backoff) {
    return;
  }
  const std::string base = std::to_string(retry.base_backoff.count());
  const std::string max = std::to_string(retry.max_backoff.count());
  if (reader.has("max_backoff_ms")) {
    reader.context().error(reader.pathOf("max_backoff_ms"),
                           "must be >= base_backoff_ms (" + base + "), got " + max);
  } else {
    reader.context().error(reader.pathOf("base_backoff_ms"),
                           "must be <= max_backoff_ms (" + max + "), got " + base);
  }
}

void parseBreaker(const YAML::Node& node, const std::string& path, LoadContext& context,
                  BreakerConfig& breaker) {
  const MapReader reader(node, path, kBreakerKeys, context);

  reader.read("consecutive_failures", breaker.consecutive_failures, Bound::Positive);

  double failureRate = breaker.failure_rate;
  reader.read("failure_rate", failureRate, Bound::Positive);
  if (failureRate > 1) {
    context.error(reader.pathOf("failure_rate"),
                  "must be > 0 and <= 1, got " + formatNumber(failureRate));
  } else {
    breaker.failure_rate = failureRate;
  }

  reader.read("min_requests", breaker.min_requests, Bound::Positive);
  reader.read("cool_down_ms", breaker.cool_down, Bound::Positive);
  reader.read("max_probes", breaker.max_probes, Bound::Positive);
}

}  // namespace

void parseRetry(const YAML::Node& node, const std::string& path, LoadContext& context,
                RetryConfig& retry) {
  const MapReader reader(node, path, kRetryKeys, context);
  const std::size_t errorsBefore = context.errors.size();

  reader.read("max_attempts_per_deployment", retry.max_attempts_per_deployment, Bound::Positive);
  reader.read("max_total_attempts", retry.max_total_attempts, Bound::NonNegative);
  reader.read("base_backoff_ms", retry.base_backoff, Bound::Positive);
  reader.read("max_backoff_ms", retry.max_backoff, Bound::Positive);
  reader.read("retry_same_on_429", retry.retry_same_on_429);
  reader.read("failover_on_content_filter", retry.failover_on_content_filter);
  reader.read("max_retry_after_ms", retry.max_retry_after, Bound::NonNegative);

  // A rejected backoff keeps its default, and comparing that default would add a second,
  // misleading error.
  if (context.errors.size() == errorsBefore) {
    checkBackoffOrder(reader, retry);
  }
}

void parseResilience(const YAML::Node& node, LoadContext& context, ResilienceConfig& resilience) {
  const MapReader reader(node, "resilience", kResilienceKeys, context);

  parseRetry(reader.child("retry"), reader.pathOf("retry"), context, resilience.retry);
  parseBreaker(reader.child("breaker"), reader.pathOf("breaker"), context, resilience.breaker);
  reader.read("max_in_flight", resilience.max_in_flight, Bound::NonNegative);
  reader.read("request_timeout_ms", resilience.request_timeout, Bound::NonNegative);
}

}  // namespace pointsman::config
