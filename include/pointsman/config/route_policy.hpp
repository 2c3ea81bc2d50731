#pragma once

// The policy part of a route (`rules:`, `otherwise:` and the six policies) as plain structs. The
// loader compiles each `when:` condition into a Condition here, so a request evaluates enums,
// bit masks and numbers, and compares strings only for headers, key names and request fields.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pointsman::config {

/// What a `when:` condition reads: a request feature, the principal, a header or a request field.
enum class ConditionSubject {
  Task,
  TaskConfidence,
  PromptTokens,
  Turns,
  SystemPromptTokens,
  MaxTokens,
  Tools,
  Images,
  JsonMode,
  Stream,
  Choices,
  Complexity,
  Pii,
  SemanticRoute,
  SemanticSimilarity,
  Tier,
  KeyName,
  Team,
  KeyLabel,
  BudgetRemaining,
  Header,
  RequestField,
};

/// How a condition compares: a scalar is equality, a list is "one of", a map of
/// gt/gte/lt/lte is a numeric range and `any` means present.
enum class ConditionTest { OneOf, Range, Present, Flag };

/// One compiled `when:` entry. Only the members its subject and test use are set.
struct Condition {
  ConditionSubject subject = ConditionSubject::Task;
  ConditionTest test = ConditionTest::OneOf;
  /// The YAML path, e.g. "routes.auto.rules[2].when.task", for traces.
  std::string path;
  /// The header name (lower case), key label or request field the condition reads.
  std::string name;
  /// Accepted strings for tier, key, team, label, header, semantic route and request fields.
  std::vector<std::string> values;
  /// Accepted task types or PII kinds, one bit per `analyze::TaskType` or `analyze::PiiKind`.
  std::uint32_t mask = 0;
  /// Range bounds; `gt`/`lt` set the exclusive flags.
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool lower_exclusive = false;
  bool upper_exclusive = false;
  /// The expected value of a boolean subject (tools, images, json_mode, stream).
  bool flag = false;
};

/// `use: [a, b]` — the deployments in failover order.
struct UsePolicyConfig {
  std::vector<std::string> deployments;
};

/// `tier: { premium: [sonnet, mini], free: [mini], default: [mini] }` — deployments by the
/// principal's tier. A tier that is not listed takes `default`, and without it the policy
/// does not match.
struct TierPolicyConfig {
  std::map<std::string, std::vector<std::string>> tiers;
  std::vector<std::string> fallback;
};

/// `cost:` — the cheapest deployment of `from` that meets the request's needs.
struct CostPolicyConfig {
  /// `from`: the deployments considered; all of them meet needs or are skipped with a reason.
  std::vector<std::string> from;
  /// `expected_output_tokens`: output tokens assumed for the cost estimate when the request sets
  /// no `max_tokens`. Default 256.
  std::int64_t expected_output_tokens = 256;
  /// `downgrade_below`: a remaining budget share (0 to 1) under which only `downgrade_to`
  /// deployments are considered. 0 (the default) turns the downgrade off.
  double downgrade_below = 0;
  /// `downgrade_to`: the economical deployments kept when the budget runs low.
  std::vector<std::string> downgrade_to;
};

/// One semantic route: example utterances and the deployments it sends matching requests to.
struct SemanticRouteConfig {
  std::string name;
  std::vector<std::string> examples;
  std::vector<std::string> use;
};

/// `encoder:` in a semantic policy — an OpenAI-compatible embeddings deployment that encodes the
/// examples and each request's text, in place of the built-in hashed TF-IDF encoder.
struct SemanticEncoderConfig {
  /// `deployment`: a deployment with the `embeddings` capability.
  std::string deployment;
  /// `dimensions`: sent as the embeddings request's `dimensions` when set; 0 (the default) lets
  /// the model choose.
  int dimensions = 0;
  /// `timeout_ms`: the longest wait for one embeddings call, in milliseconds. Default 2000.
  std::chrono::milliseconds timeout{2000};
  /// `cache_entries`: request-text embeddings kept per worker thread, least recently used
  /// evicted first. 0 turns the cache off. Default 10000.
  std::size_t cache_entries = 10000;
};

/// `semantic:` — routes described by examples. The analyzer's semantic router finds the closest
/// example; below `threshold` the policy does not match and evaluation falls through.
struct SemanticPolicyConfig {
  /// `threshold`: the lowest cosine similarity that counts as a match, in [-1, 1]. Default 0.75.
  double threshold = 0.75;
  /// `encoder`: the embeddings deployment; without it the built-in hashed encoder is used.
  std::optional<SemanticEncoderConfig> encoder;
  std::vector<SemanticRouteConfig> routes;
};

/// `learned: { strong: sonnet, weak: mini, threshold: 0.6 }` — the complexity score (the
/// estimated probability that the weak model falls short) picks strong at or above `threshold`.
struct LearnedPolicyConfig {
  std::string strong;
  std::string weak;
  /// `threshold`: in [0, 1]. Default 0.5.
  double threshold = 0.5;
};

/// `verifier:` in a cascade: a deployment asked to grade the answer.
struct VerifierConfig {
  std::string deployment;
  /// `min_score`: the lowest grade, in [0, 1], that accepts the answer. Default 0.5.
  double min_score = 0.5;
};

/// `accept:` — the checks an answer must pass before a cascade returns it.
struct CascadeChecksConfig {
  /// `non_empty`: the answer has content or a tool call. Default true.
  bool non_empty = true;
  /// `finish_reason_stop`: the answer ended with `stop` (or `tool_calls`), not `length`. Default true.
  bool finish_reason_stop = true;
  /// `not_refusal`: the answer is not a refusal. Default true.
  bool not_refusal = true;
  /// `valid_json_in_json_mode`: in JSON mode the answer parses as JSON. Default true.
  bool valid_json_in_json_mode = true;
  /// `min_score`: the learned answer scorer's lowest accepted score, in [0, 1].
  std::optional<double> min_score;
  std::optional<VerifierConfig> verifier;
};

/// `cascade:` — deployments tried cheapest first; an answer is kept only when it passes `accept`.
struct CascadePolicyConfig {
  std::vector<std::string> use;
  CascadeChecksConfig accept;
};

/// The action of a rule, of `otherwise:` or of a route: exactly one policy.
using PolicyConfig = std::variant<UsePolicyConfig, TierPolicyConfig, CostPolicyConfig,
                                  SemanticPolicyConfig, LearnedPolicyConfig, CascadePolicyConfig>;

/// A policy with its constraint and its place in the file.
struct RouteAction {
  PolicyConfig policy;
  /// `on_premises_only`: only deployments of providers tagged `on_premises`, for every attempt
  /// including failover, hedges and cascade steps.
  bool on_premises_only = false;
  /// "routes.auto.rules[2]" or "routes.auto.otherwise", for traces and messages.
  std::string path;
};

/// One entry of `rules:`. All conditions must hold; an empty `when:` always matches.
struct RuleConfig {
  std::vector<Condition> when;
  RouteAction action;
};

/// The YAML key of a policy ("use", "tier", "cost", "semantic", "learned", "cascade").
const char* policyName(const PolicyConfig& policy);

/// The `when:` key of a subject, e.g. "prompt_tokens".
std::string_view conditionSubjectName(ConditionSubject subject);
/// The config spelling of the task type with this index in `analyze::TaskType`, e.g. "math".
std::string_view taskNameAt(std::size_t index);
/// The config spelling of the PII kind with this index in `analyze::PiiKind`, e.g. "email".
std::string_view piiNameAt(std::size_t index);

}  // namespace pointsman::config
