#pragma once

// Parsers for the top-level sections of the config file. Each fills its part of Config and reports
// problems to the LoadContext; checkReferences then validates what spans several sections.

#include "config/load_context.hpp"

#include <pointsman/config/config.hpp>

#include <yaml-cpp/yaml.h>

namespace pointsman::config {

void parseServer(const YAML::Node& node, LoadContext& context, ServerConfig& server);
void parseAdmin(const YAML::Node& node, LoadContext& context, AdminConfig& admin);
void parseAuth(const YAML::Node& node, LoadContext& context, AuthMode& auth);
void parseTelemetry(const YAML::Node& node, LoadContext& context, TelemetryConfig& telemetry);
/// `analyzers:`; relative model paths are resolved against the folder of `source_path`.
void parseAnalyzers(const YAML::Node& node, LoadContext& context, const std::string& source_path,
                    AnalyzersConfig& analyzers);

/// Also disables, with a warning, each provider whose configured key resolved to empty.
void parseProviders(const YAML::Node& node, LoadContext& context,
                    std::map<std::string, ProviderConfig>& providers);

void parseModels(const YAML::Node& node, LoadContext& context,
                 std::map<std::string, DeploymentConfig>& models);
void parseResilience(const YAML::Node& node, LoadContext& context, ResilienceConfig& resilience);

/// Reads a `retry:` block at `path` on top of `retry`, so keys the block omits keep their values.
void parseRetry(const YAML::Node& node, const std::string& path, LoadContext& context,
                RetryConfig& retry);

/// `defaultRetry` is `resilience.retry`, the base that each route's `retry:` block overrides.
void parseRoutes(const YAML::Node& node, LoadContext& context, const RetryConfig& defaultRetry,
                 std::map<std::string, RouteConfig>& routes);

class MapReader;
/// `hedge:` and `fan_out:` of one route (execution_sections.cpp).
void readRouteExecution(const MapReader& route_reader, RouteConfig& route);
/// `limits:` of one deployment.
void readDeploymentLimits(const MapReader& deployment_reader, DeploymentLimits& limits);
/// `health_check:` of one provider.
void readHealthCheck(const MapReader& provider_reader, HealthCheckConfig& check);

void parseAccounting(const YAML::Node& node, LoadContext& context, AccountingConfig& accounting);
void parseTiers(const YAML::Node& node, LoadContext& context, std::map<std::string, TierConfig>& tiers);
void parseTeams(const YAML::Node& node, LoadContext& context, std::map<std::string, TeamConfig>& teams);
void parseKeys(const YAML::Node& node, LoadContext& context, std::vector<KeyConfig>& keys);

/// Checks that keys name defined tiers, teams, routes and deployments, and that key names and
/// digests are unique. Called by checkReferences.
void checkAccountingReferences(const Config& config, LoadContext& context);

class MapReader;

/// Reads `rules:`, `otherwise:`, `on_premises_only:` and a single policy key of one route.
/// Returns false when the route has none of them, so it must be a `use:` route.
bool parseRoutePolicy(const MapReader& route_reader, RouteConfig& route);

/// Checks that the rules and policies of a route name defined deployments and tags. Called by
/// checkReferences.
void checkRoutePolicyReferences(const Config& config, const RouteConfig& route, LoadContext& context);

/// Checks the rules that involve more than one section: deployments name defined providers,
/// routes name defined deployments, the admin token matches the admin address.
void checkReferences(const Config& config, LoadContext& context);

}  // namespace pointsman::config
