// The policy keys of a route: `rules:`, `otherwise:`, `on_premises_only:` and the policies `use`,
// `tier`, `cost`, `semantic`, `learned` and `cascade`. Deployment names are checked later, in
// checkRoutePolicyReferences, once every section is read.

#include "config/route_conditions.hpp"
#include "config/scalar_parsing.hpp"
#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <algorithm>
#include <array>
#include <functional>

namespace pointsman::config {

namespace {

constexpr std::array<std::string_view, 6> kPolicyKeys = {"use",      "tier",    "cost",
                                                         "semantic", "learned", "cascade"};
constexpr std::array<std::string_view, 8> kRuleKeys = {"when",     "use",     "tier",    "cost",
                                                       "semantic", "learned", "cascade", "on_premises_only"};
constexpr std::array<std::string_view, 7> kOtherwiseKeys = {"use",     "tier",    "cost",           "semantic",
                                                            "learned", "cascade", "on_premises_only"};
constexpr std::array<std::string_view, 4> kCostKeys = {"from", "expected_output_tokens", "downgrade_below",
                                                       "downgrade_to"};
constexpr std::array<std::string_view, 3> kSemanticKeys = {"threshold", "encoder", "routes"};
constexpr std::array<std::string_view, 4> kEncoderKeys = {"deployment", "dimensions", "timeout_ms", "cache_entries"};
constexpr std::array<std::string_view, 2> kSemanticRouteKeys = {"examples", "use"};
constexpr std::array<std::string_view, 3> kLearnedKeys = {"strong", "weak", "threshold"};
constexpr std::array<std::string_view, 2> kCascadeKeys = {"use", "accept"};
constexpr std::array<std::string_view, 6> kAcceptKeys = {
    "non_empty", "finish_reason_stop", "not_refusal", "valid_json_in_json_mode", "min_score", "verifier"};
constexpr std::array<std::string_view, 2> kVerifierKeys = {"deployment", "min_score"};

std::vector<std::string> readDeploymentList(const YAML::Node& node, const std::string& path, LoadContext& context) {
  std::optional<std::vector<std::string>> names = readStringList(node, path, context);
  if (!names) {
    return {};
  }
  if (names->empty()) {
    context.error(path, "must list at least one deployment");
  }
  return std::move(*names);
}

void readFraction(const MapReader& reader, std::string_view key, double& out) {
  reader.read(key, out, Bound::NonNegative);
  if (out > 1) {
    reader.context().error(reader.pathOf(key), "must be between 0 and 1");
  }
}

// `threshold` may be negative for a cosine similarity, which MapReader's bounds do not allow.
void readSignedNumber(const MapReader& reader, std::string_view key, double& out) {
  if (!reader.has(key)) {
    return;
  }
  const std::optional<std::string> text = readString(reader.child(key), reader.pathOf(key), reader.context());
  const std::optional<double> value = text ? parseNumber(*text) : std::nullopt;
  if (!value || *value < -1 || *value > 1) {
    reader.context().error(reader.pathOf(key), "expected a number between -1 and 1");
    return;
  }
  out = *value;
}

TierPolicyConfig readTier(const YAML::Node& node, const std::string& path, LoadContext& context) {
  TierPolicyConfig tier;
  if (!node.IsMap() || node.size() == 0) {
    context.error(path, "expected a map of tier names to deployments, e.g. { premium: [sonnet], free: [mini] }");
    return tier;
  }
  forEachEntry(node, path, context, [&](const std::string& name, const YAML::Node& value, const std::string& at) {
    std::vector<std::string> use = readDeploymentList(value, at, context);
    if (name == "default") {
      tier.fallback = std::move(use);
    } else {
      tier.tiers[name] = std::move(use);
    }
  });
  return tier;
}

CostPolicyConfig readCost(const YAML::Node& node, const std::string& path, LoadContext& context) {
  CostPolicyConfig cost;
  const MapReader reader(node, path, kCostKeys, context);
  if (!reader.has("from")) {
    context.error(reader.pathOf("from"), "missing; list the deployments to compare, e.g. from: [mini, sonnet]");
  } else {
    cost.from = readDeploymentList(reader.child("from"), reader.pathOf("from"), context);
  }
  int expected = static_cast<int>(cost.expected_output_tokens);
  reader.read("expected_output_tokens", expected, Bound::Positive);
  cost.expected_output_tokens = expected;
  readFraction(reader, "downgrade_below", cost.downgrade_below);
  if (reader.has("downgrade_to")) {
    cost.downgrade_to = readDeploymentList(reader.child("downgrade_to"), reader.pathOf("downgrade_to"), context);
  }
  if (cost.downgrade_below > 0 && cost.downgrade_to.empty()) {
    context.error(reader.pathOf("downgrade_to"),
                  "missing; downgrade_below needs the economical deployments to keep, e.g. downgrade_to: [mini]");
  }
  return cost;
}

SemanticEncoderConfig readEncoder(const MapReader& semantic) {
  SemanticEncoderConfig encoder;
  const MapReader reader(semantic.child("encoder"), semantic.pathOf("encoder"), kEncoderKeys, semantic.context());
  if (!reader.read("deployment", encoder.deployment) || encoder.deployment.empty()) {
    reader.context().error(reader.pathOf("deployment"),
                           "missing; name the embeddings deployment that encodes the examples, e.g. "
                           "encoder: { deployment: embed-small }");
  }
  reader.read("dimensions", encoder.dimensions, Bound::Positive);
  reader.read("timeout_ms", encoder.timeout, Bound::Positive);
  reader.read("cache_entries", encoder.cache_entries, Bound::NonNegative);
  return encoder;
}

SemanticPolicyConfig readSemantic(const YAML::Node& node, const std::string& path, LoadContext& context) {
  SemanticPolicyConfig semantic;
  const MapReader reader(node, path, kSemanticKeys, context);
  readSignedNumber(reader, "threshold", semantic.threshold);
  if (reader.has("encoder")) semantic.encoder = readEncoder(reader);
  if (!reader.has("routes")) {
    context.error(reader.pathOf("routes"),
                  "missing; describe each semantic route by examples, e.g. routes: { code: { examples: "
                  "[\"fix this bug\"], use: [sonnet] } }");
    return semantic;
  }
  forEachEntry(reader.child("routes"), reader.pathOf("routes"), context,
               [&](const std::string& name, const YAML::Node& value, const std::string& at) {
                 SemanticRouteConfig route;
                 route.name = name;
                 const MapReader routeReader(value, at, kSemanticRouteKeys, context);
                 std::optional<std::vector<std::string>> examples =
                     readStringList(routeReader.child("examples"), routeReader.pathOf("examples"), context);
                 if (!examples || examples->empty()) {
                   context.error(routeReader.pathOf("examples"), "must list at least one example utterance");
                 } else {
                   route.examples = std::move(*examples);
                 }
                 route.use = readDeploymentList(routeReader.child("use"), routeReader.pathOf("use"), context);
                 semantic.routes.push_back(std::move(route));
               });
  return semantic;
}

LearnedPolicyConfig readLearned(const YAML::Node& node, const std::string& path, LoadContext& context) {
  LearnedPolicyConfig learned;
  const MapReader reader(node, path, kLearnedKeys, context);
  for (const auto& [key, out] : {std::pair<std::string_view, std::string*>{"strong", &learned.strong},
                                 std::pair<std::string_view, std::string*>{"weak", &learned.weak}}) {
    if (!reader.read(key, *out) || out->empty()) {
      context.error(reader.pathOf(key), "missing; name a deployment, e.g. strong: sonnet, weak: mini");
    }
  }
  readFraction(reader, "threshold", learned.threshold);
  return learned;
}

CascadeChecksConfig readAccept(const MapReader& cascade) {
  CascadeChecksConfig accept;
  const MapReader reader(cascade.child("accept"), cascade.pathOf("accept"), kAcceptKeys, cascade.context());
  reader.read("non_empty", accept.non_empty);
  reader.read("finish_reason_stop", accept.finish_reason_stop);
  reader.read("not_refusal", accept.not_refusal);
  reader.read("valid_json_in_json_mode", accept.valid_json_in_json_mode);
  if (reader.has("min_score")) {
    double score = 0;
    readFraction(reader, "min_score", score);
    accept.min_score = score;
  }
  if (reader.has("verifier")) {
    VerifierConfig verifier;
    const MapReader verifierReader(reader.child("verifier"), reader.pathOf("verifier"), kVerifierKeys,
                                   reader.context());
    if (!verifierReader.read("deployment", verifier.deployment) || verifier.deployment.empty()) {
      reader.context().error(verifierReader.pathOf("deployment"), "missing; name the deployment that grades answers");
    }
    readFraction(verifierReader, "min_score", verifier.min_score);
    accept.verifier = std::move(verifier);
  }
  return accept;
}

CascadePolicyConfig readCascade(const YAML::Node& node, const std::string& path, LoadContext& context) {
  CascadePolicyConfig cascade;
  const MapReader reader(node, path, kCascadeKeys, context);
  cascade.use = readDeploymentList(reader.child("use"), reader.pathOf("use"), context);
  if (cascade.use.size() == 1) {
    context.error(reader.pathOf("use"), "a cascade needs at least two deployments, cheapest first");
  }
  cascade.accept = readAccept(reader);
  return cascade;
}

PolicyConfig readPolicy(std::string_view key, const YAML::Node& node, const std::string& path, LoadContext& context) {
  if (key == "use") return UsePolicyConfig{readDeploymentList(node, path, context)};
  if (key == "tier") return readTier(node, path, context);
  if (key == "cost") return readCost(node, path, context);
  if (key == "semantic") return readSemantic(node, path, context);
  if (key == "learned") return readLearned(node, path, context);
  return readCascade(node, path, context);
}

// Reads the one policy key of a rule, of `otherwise:` or of the route itself at `reader`.
std::optional<PolicyConfig> readSinglePolicy(const MapReader& reader) {
  std::vector<std::string_view> present;
  for (const std::string_view key : kPolicyKeys) {
    if (reader.has(key)) present.push_back(key);
  }
  if (present.size() != 1) {
    const std::string found = present.empty() ? "none" : std::to_string(present.size());
    reader.context().error(reader.path(), "needs exactly one policy of use, tier, cost, semantic, learned, cascade; "
                                          "found " + found);
    return std::nullopt;
  }
  return readPolicy(present.front(), reader.child(present.front()), reader.pathOf(present.front()), reader.context());
}

std::optional<RouteAction> readAction(const MapReader& reader) {
  std::optional<PolicyConfig> policy = readSinglePolicy(reader);
  if (!policy) {
    return std::nullopt;
  }
  RouteAction action{std::move(*policy), false, reader.path()};
  reader.read("on_premises_only", action.on_premises_only);
  return action;
}

void readRules(const MapReader& route, RouteConfig& out) {
  LoadContext& context = route.context();
  const YAML::Node rules = route.child("rules");
  const std::string path = route.pathOf("rules");
  if (!rules.IsSequence()) {
    context.error(path, "expected a list of rules, e.g. - { when: { tier: free }, use: [mini] }");
    return;
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const MapReader rule(rules[i], indexPath(path, i), kRuleKeys, context);
    if (!rule.isMap()) {
      context.error(rule.path(), "expected a rule with when: and one policy");
      continue;
    }
    std::vector<Condition> when = parseWhen(rule.child("when"), rule.pathOf("when"), context);
    if (std::optional<RouteAction> action = readAction(rule)) {
      out.rules.push_back(RuleConfig{std::move(when), std::move(*action)});
    }
  }
}

using DeploymentVisitor = std::function<void(const std::string& path, const std::string& deployment)>;

void visitList(const std::string& path, const std::vector<std::string>& names, const DeploymentVisitor& visit) {
  for (std::size_t i = 0; i < names.size(); ++i) visit(indexPath(path, i), names[i]);
}

// Calls `visit` with the path and name of every deployment that an action may send a request to.
void forEachDeployment(const RouteAction& action, const DeploymentVisitor& visit) {
  const std::string path = childPath(action.path, policyName(action.policy));
  if (const auto* use = std::get_if<UsePolicyConfig>(&action.policy)) {
    visitList(path, use->deployments, visit);
  } else if (const auto* tier = std::get_if<TierPolicyConfig>(&action.policy)) {
    for (const auto& [name, deployments] : tier->tiers) visitList(childPath(path, name), deployments, visit);
    visitList(childPath(path, "default"), tier->fallback, visit);
  } else if (const auto* cost = std::get_if<CostPolicyConfig>(&action.policy)) {
    visitList(childPath(path, "from"), cost->from, visit);
    visitList(childPath(path, "downgrade_to"), cost->downgrade_to, visit);
  } else if (const auto* semantic = std::get_if<SemanticPolicyConfig>(&action.policy)) {
    for (const auto& route : semantic->routes) {
      visitList(childPath(childPath(childPath(path, "routes"), route.name), "use"), route.use, visit);
    }
  } else if (const auto* learned = std::get_if<LearnedPolicyConfig>(&action.policy)) {
    visit(childPath(path, "strong"), learned->strong);
    visit(childPath(path, "weak"), learned->weak);
  } else if (const auto* cascade = std::get_if<CascadePolicyConfig>(&action.policy)) {
    visitList(childPath(path, "use"), cascade->use, visit);
  }
}

std::string deploymentNames(const Config& config) {
  std::vector<std::string> names;
  for (const auto& [name, deployment] : config.models) names.push_back(name);
  return names.empty() ? "no deployments are defined" : "defined deployments: " + joinNames(names);
}

bool isOnPremises(const Config& config, const std::string& deployment) {
  const auto found = config.models.find(deployment);
  if (found == config.models.end()) return false;
  const auto provider = config.providers.find(found->second.provider);
  return provider != config.providers.end() && provider->second.tags.contains("on_premises");
}

void checkMinScore(const Config& config, const RouteAction& action, LoadContext& context) {
  const auto* cascade = std::get_if<CascadePolicyConfig>(&action.policy);
  if (cascade == nullptr || !cascade->accept.min_score || !config.analyzers.answer_scorer.empty()) return;
  context.error(childPath(action.path, "cascade.accept.min_score"),
                "needs the answer scorer, but analyzers.answer_scorer is not set; set it, e.g. answer_scorer: "
                "models/answer-scorer.json, or remove min_score");
}

// Checks the embeddings deployment of a semantic policy. The request text goes to it before any
// rule is evaluated, so a route that keeps some requests on premises needs an on-premises encoder.
void checkEncoder(const Config& config, const RouteAction& action, bool routeOnPremises, LoadContext& context) {
  const auto* semantic = std::get_if<SemanticPolicyConfig>(&action.policy);
  if (semantic == nullptr || !semantic->encoder || semantic->encoder->deployment.empty()) return;
  const std::string path = childPath(action.path, "semantic.encoder.deployment");
  const std::string& name = semantic->encoder->deployment;
  const auto deployment = config.models.find(name);
  if (deployment == config.models.end()) {
    context.error(path, "unknown deployment \"" + name + "\"; " + deploymentNames(config));
    return;
  }
  if (!deployment->second.capabilities.contains("embeddings")) {
    context.error(path, "deployment \"" + name + "\" does not list the embeddings capability; name an "
                        "embeddings deployment, or add capabilities: [embeddings] to it");
  }
  if (routeOnPremises && !isOnPremises(config, name)) {
    context.error(path, "this route keeps requests on premises, but every request's text goes to \"" + name +
                            "\", whose provider is not tagged on_premises; name an on-premises embeddings "
                            "deployment or drop the encoder");
  }
}

/// True when the route or any of its actions keeps requests on premises.
bool anyOnPremises(const RouteConfig& route) {
  if (route.on_premises_only) return true;
  if (route.otherwise && route.otherwise->on_premises_only) return true;
  return std::any_of(route.rules.begin(), route.rules.end(),
                     [](const RuleConfig& rule) { return rule.action.on_premises_only; });
}

// One router serves all semantic policies of a route, so they must agree on its encoder.
void checkOneEncoderPerRoute(const RouteConfig& route, LoadContext& context) {
  std::optional<std::string> first;
  const auto check = [&](const RouteAction& action) {
    const auto* semantic = std::get_if<SemanticPolicyConfig>(&action.policy);
    if (semantic == nullptr) return;
    const std::string encoder = semantic->encoder ? semantic->encoder->deployment : std::string("(built-in)");
    if (!first) {
      first = encoder;
    } else if (*first != encoder) {
      context.error(childPath(action.path, "semantic.encoder"),
                    "the semantic policies of one route share one encoder, but an earlier one uses " + *first +
                        "; give every semantic policy of this route the same encoder");
    }
  };
  for (const RuleConfig& rule : route.rules) check(rule.action);
  if (route.otherwise) check(*route.otherwise);
}

void checkAction(const Config& config, const RouteAction& action, bool routeOnPremises, LoadContext& context) {
  bool anyOnPremises = false;
  forEachDeployment(action, [&](const std::string& path, const std::string& deployment) {
    if (deployment.empty()) return;  // Already reported as missing.
    if (!config.models.contains(deployment)) {
      context.error(path, "unknown deployment \"" + deployment + "\"; " + deploymentNames(config));
    }
    anyOnPremises = anyOnPremises || isOnPremises(config, deployment);
  });
  if (const auto* cascade = std::get_if<CascadePolicyConfig>(&action.policy); cascade && cascade->accept.verifier) {
    const std::string& verifier = cascade->accept.verifier->deployment;
    if (!verifier.empty() && !config.models.contains(verifier)) {
      context.error(childPath(action.path, "cascade.accept.verifier.deployment"),
                    "unknown deployment \"" + verifier + "\"; " + deploymentNames(config));
    }
  }
  if ((action.on_premises_only || routeOnPremises) && !anyOnPremises) {
    context.error(childPath(action.path, "on_premises_only"),
                  "none of these deployments runs at a provider tagged on_premises, so every request would "
                  "fail; add tags: [on_premises] to the provider or list an on-premises deployment");
  }
}

}  // namespace

void checkRoutePolicyReferences(const Config& config, const RouteConfig& route, LoadContext& context) {
  const bool keepsRequestsOnPremises = anyOnPremises(route);
  for (const RuleConfig& rule : route.rules) {
    checkAction(config, rule.action, route.on_premises_only, context);
    checkMinScore(config, rule.action, context);
    checkEncoder(config, rule.action, keepsRequestsOnPremises, context);
  }
  if (route.otherwise) {
    checkAction(config, *route.otherwise, route.on_premises_only, context);
    checkMinScore(config, *route.otherwise, context);
    checkEncoder(config, *route.otherwise, keepsRequestsOnPremises, context);
  }
  checkOneEncoderPerRoute(route, context);
  if (route.on_premises_only && !route.use.empty()) {
    const bool any = std::any_of(route.use.begin(), route.use.end(),
                                 [&](const std::string& name) { return isOnPremises(config, name); });
    if (!any) {
      context.error(childPath(childPath("routes", route.name), "on_premises_only"),
                    "none of the use deployments runs at a provider tagged on_premises; add tags: "
                    "[on_premises] to the provider or list an on-premises deployment");
    }
  }
}

const char* policyName(const PolicyConfig& policy) {
  static constexpr std::array<const char*, 6> kNames = {"use", "tier", "cost", "semantic", "learned", "cascade"};
  return kNames[policy.index()];
}

bool parseRoutePolicy(const MapReader& reader, RouteConfig& route) {
  LoadContext& context = reader.context();
  reader.read("on_premises_only", route.on_premises_only);

  const bool hasRules = reader.has("rules") || reader.has("otherwise");
  const bool hasPolicy = std::any_of(kPolicyKeys.begin() + 1, kPolicyKeys.end(),
                                     [&](std::string_view key) { return reader.has(key); });
  if (!hasRules && !hasPolicy) {
    return false;
  }
  if (hasRules && (hasPolicy || reader.has("use"))) {
    context.error(reader.path(), "give either rules: with otherwise:, or one policy; put a default policy under "
                                 "otherwise:, e.g. otherwise: { use: [mini] }");
    return true;
  }
  if (hasPolicy) {
    // A route given as one policy is that policy as `otherwise:` with no rules.
    route.otherwise = readAction(reader);
    return true;
  }
  if (reader.has("rules")) {
    readRules(reader, route);
  }
  if (reader.has("otherwise")) {
    const MapReader otherwise(reader.child("otherwise"), reader.pathOf("otherwise"), kOtherwiseKeys, context);
    route.otherwise = readAction(otherwise);
  }
  return true;
}

}  // namespace pointsman::config
