// The `models:` (deployments) and `routes:` sections. References between them and to providers
// are checked later, in checkReferences, once every section is read.

#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <algorithm>
#include <array>

namespace pointsman::config {

namespace {

constexpr std::array<std::string_view, 9> kDeploymentKeys = {"provider",     "model", "price",      "context",
                                                             "capabilities", "tags",  "limits",     "max_tokens",
                                                             "headers"};
constexpr std::array<std::string_view, 4> kPriceKeys = {"input", "cached_input", "output",
                                                        "cache_write"};
constexpr std::array<std::string_view, 4> kCapabilities = {"tools", "vision", "json",
                                                           "embeddings"};
constexpr std::array<std::string_view, 15> kRouteKeys = {
    "use",   "retry",  "timeout_ms", "balance",          "weights", "hedge",   "fan_out", "rules",
    "otherwise", "on_premises_only", "tier", "cost", "semantic", "learned", "cascade"};
constexpr std::array<std::string_view, 3> kBalanceStrategies = {"weighted", "least_outstanding", "lowest_latency"};

void readModelId(const MapReader& reader, const std::string& name, std::string& out) {
  out = name;
  if (!reader.has("model")) {
    return;
  }
  std::string model;
  if (!reader.read("model", model)) {
    return;
  }
  if (model.empty()) {
    reader.context().error(reader.pathOf("model"),
                           "must not be empty; omit it to use the deployment name");
    return;
  }
  out = std::move(model);
}

void readPrice(const MapReader& deployment, Price& price) {
  if (!deployment.has("price")) {
    return;
  }
  const MapReader reader(deployment.child("price"), deployment.pathOf("price"), kPriceKeys,
                         deployment.context());
  reader.read("input", price.input, Bound::NonNegative);
  reader.read("cached_input", price.cached_input, Bound::NonNegative);
  reader.read("output", price.output, Bound::NonNegative);
  reader.read("cache_write", price.cache_write, Bound::NonNegative);
}

void readCapabilities(const MapReader& reader, std::set<std::string>& out) {
  if (!reader.has("capabilities")) {
    return;
  }
  const std::string path = reader.pathOf("capabilities");
  const std::optional<std::vector<std::string>> names =
      readStringList(reader.child("capabilities"), path, reader.context());
  if (!names) {
    return;
  }

  const std::vector<std::string> supported(kCapabilities.begin(), kCapabilities.end());
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string& name = (*names)[i];
    if (std::find(supported.begin(), supported.end(), name) == supported.end()) {
      reader.context().error(indexPath(path, i), "unknown capability \"" + name +
                                                     "\"; supported values: " +
                                                     joinNames(supported));
      continue;
    }
    out.insert(name);
  }
}

void readDeploymentHeaders(const MapReader& reader, std::map<std::string, std::string>& out) {
  if (!reader.has("headers")) {
    return;
  }
  LoadContext& context = reader.context();
  forEachEntry(reader.child("headers"), reader.pathOf("headers"), context,
               [&](const std::string& name, const YAML::Node& value, const std::string& path) {
                 if (name.empty() || name.find_first_of(" \t:\r\n") != std::string::npos) {
                   context.error(path, "invalid header name; use letters, digits and !#$%&'*+-.^_`|~");
                   return;
                 }
                 std::optional<std::string> text = readString(value, path, context);
                 // A line break would let the value start a second header or end the request head.
                 if (text && text->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
                   context.error(path, "header value must not contain CR, LF or NUL");
                   return;
                 }
                 if (text) out[name] = std::move(*text);
               });
}

void parseDeployment(const std::string& name, const YAML::Node& node, const std::string& path,
                     LoadContext& context, DeploymentConfig& deployment) {
  deployment.name = name;
  if (name.empty()) {
    context.error(path, "deployment name must not be empty");
  }

  const MapReader reader(node, path, kDeploymentKeys, context);
  if (!reader.isMap()) {
    return;
  }
  reader.read("provider", deployment.provider);
  readModelId(reader, name, deployment.model);
  readPrice(reader, deployment.price);
  reader.read("context", deployment.context, Bound::NonNegative);
  readCapabilities(reader, deployment.capabilities);
  reader.read("tags", deployment.tags);
  readDeploymentLimits(reader, deployment.limits);
  reader.read("max_tokens", deployment.max_tokens, Bound::Positive);
  readDeploymentHeaders(reader, deployment.headers);
}

void readRouteRetry(const MapReader& reader, const RetryConfig& defaultRetry,
                    std::optional<RetryConfig>& out) {
  if (!reader.has("retry")) {
    return;
  }
  RetryConfig retry = defaultRetry;
  parseRetry(reader.child("retry"), reader.pathOf("retry"), reader.context(), retry);
  out = retry;
}

void readRouteBalance(const MapReader& reader, RouteConfig& route) {
  LoadContext& context = reader.context();
  if (reader.read("balance", route.balance) && !route.balance.empty() &&
      std::find(kBalanceStrategies.begin(), kBalanceStrategies.end(), route.balance) == kBalanceStrategies.end()) {
    context.error(reader.pathOf("balance"),
                  "unsupported value \"" + route.balance + "\"; supported values: weighted, least_outstanding, lowest_latency");
  }
  if (!reader.has("weights")) return;

  forEachEntry(reader.child("weights"), reader.pathOf("weights"), context,
               [&](const std::string& deployment, const YAML::Node& value, const std::string& path) {
                 double weight = 0;
                 try {
                   weight = value.as<double>();
                 } catch (const YAML::Exception&) {
                   context.error(path, "expected a number greater than 0");
                   return;
                 }
                 if (!(weight > 0)) {
                   context.error(path, "must be > 0, got " + value.as<std::string>());
                   return;
                 }
                 route.weights[deployment] = weight;
               });
  if (route.balance != "weighted") {
    context.error(reader.pathOf("weights"), "only applies with balance: weighted; set it or remove weights");
  }
}

void parseRoute(const std::string& name, const YAML::Node& node, const std::string& path,
                LoadContext& context, const RetryConfig& defaultRetry, RouteConfig& route) {
  route.name = name;
  if (name.empty()) {
    context.error(path, "route name must not be empty");
  }

  const MapReader reader(node, path, kRouteKeys, context);
  if (!reader.isMap() && !isEmptyValue(node)) {
    return;
  }
  readRouteRetry(reader, defaultRetry, route.retry);
  reader.read("timeout_ms", route.timeout, Bound::NonNegative);
  readRouteBalance(reader, route);
  readRouteExecution(reader, route);

  // A route is a `use:` list, `rules:` with `otherwise:`, or one policy key.
  if (parseRoutePolicy(reader, route)) {
    return;
  }
  if (!reader.has("use")) {
    context.error(reader.pathOf("use"),
                  "missing; list the deployments to try in order, e.g. use: [mini], or give "
                  "rules: or one policy (tier, cost, semantic, learned, cascade)");
    return;
  }

  std::optional<std::vector<std::string>> use =
      readStringList(reader.child("use"), reader.pathOf("use"), context);
  if (!use) {
    return;
  }
  if (use->empty()) {
    context.error(reader.pathOf("use"), "must list at least one deployment");
    return;
  }
  route.use = std::move(*use);
}

}  // namespace

void parseModels(const YAML::Node& node, LoadContext& context,
                 std::map<std::string, DeploymentConfig>& models) {
  forEachEntry(node, "models", context,
               [&](const std::string& name, const YAML::Node& value, const std::string& path) {
                 parseDeployment(name, value, path, context, models[name]);
               });
}

void parseRoutes(const YAML::Node& node, LoadContext& context, const RetryConfig& defaultRetry,
                 std::map<std::string, RouteConfig>& routes) {
  forEachEntry(node, "routes", context,
               [&](const std::string& name, const YAML::Node& value, const std::string& path) {
                 parseRoute(name, value, path, context, defaultRetry, routes[name]);
               });
}

}  // namespace pointsman::config
