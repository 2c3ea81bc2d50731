// Rules that span sections. They run after every section is read, so a deployment defined after
// the route that uses it is found, and a section with errors still counts as defined.

#include "config/host_port.hpp"
#include "config/sections.hpp"

#include <algorithm>

namespace pointsman::config {

namespace {

template <typename Value>
std::string definedNames(const std::map<std::string, Value>& entries, std::string_view kind) {
  if (entries.empty()) {
    return "no " + std::string(kind) + " are defined";
  }
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries) {
    names.push_back(name);
  }
  return "defined " + std::string(kind) + ": " + joinNames(names);
}

void checkDeploymentProviders(const Config& config, LoadContext& context) {
  for (const auto& [name, deployment] : config.models) {
    const std::string path = childPath(childPath("models", name), "provider");
    if (deployment.provider.empty()) {
      context.error(path, "missing; " + definedNames(config.providers, "providers"));
    } else if (!config.providers.contains(deployment.provider)) {
      context.error(path, "unknown provider \"" + deployment.provider + "\"; " +
                              definedNames(config.providers, "providers"));
    }
  }
}

bool isDeploymentEnabled(const Config& config, const std::string& deploymentName) {
  const auto deployment = config.models.find(deploymentName);
  if (deployment == config.models.end()) {
    return true;  // Already an error; do not add a warning on top.
  }
  const auto provider = config.providers.find(deployment->second.provider);
  return provider == config.providers.end() || provider->second.enabled;
}

void checkRoute(const Config& config, const RouteConfig& route, LoadContext& context) {
  const std::string path = childPath("routes", route.name);
  if (config.models.contains(route.name)) {
    context.error(path, "route name is also a deployment name, so \"model\": \"" + route.name +
                            "\" would be ambiguous; rename the route or the deployment");
  }

  bool anyEnabled = false;
  for (std::size_t i = 0; i < route.use.size(); ++i) {
    const std::string& deployment = route.use[i];
    if (!config.models.contains(deployment)) {
      context.error(indexPath(childPath(path, "use"), i),
                    "unknown deployment \"" + deployment + "\"; " +
                        definedNames(config.models, "deployments"));
    }
    anyEnabled = anyEnabled || isDeploymentEnabled(config, deployment);
  }

  for (const auto& [deployment, weight] : route.weights) {
    if (std::find(route.use.begin(), route.use.end(), deployment) == route.use.end()) {
      context.error(childPath(childPath(path, "weights"), deployment),
                    "\"" + deployment + "\" is not in this route's use list; weights apply to those deployments only");
    }
  }

  if (route.fan_out.enabled && !route.fan_out.judge.empty() && !config.models.contains(route.fan_out.judge)) {
    context.error(childPath(childPath(path, "fan_out"), "judge"),
                  "unknown deployment \"" + route.fan_out.judge + "\"; " + definedNames(config.models, "deployments"));
  }
  if ((route.hedge.enabled || route.fan_out.enabled) && route.use.size() < 2) {
    context.error(childPath(path, route.hedge.enabled ? "hedge" : "fan_out"),
                  "needs at least two deployments in use; with one there is nothing to race");
  }

  if (!route.use.empty() && !anyEnabled) {
    context.warn("route \"" + route.name +
                 "\" has no enabled deployment: every provider it uses is disabled");
  }
}

void checkAdminToken(const Config& config, LoadContext& context) {
  const std::optional<HostPort> address = parseHostPort(config.server.admin_listen);
  if (!address || !config.admin.token.empty()) {
    return;
  }
  // A token that failed to read (say, an unset variable) already has its error at this path.
  const bool tokenFailed =
      std::any_of(context.errors.begin(), context.errors.end(),
                  [](const ConfigError& error) { return error.path == "admin.token"; });
  if (tokenFailed) {
    return;
  }
  if (isLoopbackHost(address->host)) {
    context.warn("admin listener " + config.server.admin_listen +
                 " has no token: any local process can read /metrics and /admin/*");
    return;
  }
  context.error("admin.token", "required when admin_listen is not a loopback address (" +
                                   config.server.admin_listen +
                                   "); set it, e.g. token: \"${POINTSMAN_ADMIN_TOKEN}\"");
}

}  // namespace

void checkReferences(const Config& config, LoadContext& context) {
  if (config.models.empty()) {
    context.error("models", "at least one deployment is required");
  }
  checkDeploymentProviders(config, context);
  for (const auto& [name, route] : config.routes) {
    checkRoute(config, route, context);
    checkRoutePolicyReferences(config, route, context);
  }
  checkAdminToken(config, context);
  checkAccountingReferences(config, context);
}

}  // namespace pointsman::config
