#pragma once

#include <pointsman/config/config.hpp>
#include <pointsman/route/decision_trace.hpp>

#include <string>
#include <vector>

namespace pointsman::route {

/// A deployment the plan may try, with the provider it runs at. Both point into the config
/// snapshot the request holds, so they stay valid for the whole request.
struct Candidate {
  const config::DeploymentConfig* deployment = nullptr;
  const config::ProviderConfig* provider = nullptr;
};

/// How the executor runs the candidates.
enum class ExecutionStrategy {
  /// The first candidate answers; the others are failover in order.
  SingleWithFailover,
  /// Candidates are tried cheapest first, and an answer is returned only when it passes
  /// `Plan::cascade_checks`; otherwise the next candidate is asked.
  Cascade,
};

/// What a policy decided for one request: the deployments to try, in order, how to run them,
/// and why.
struct Plan {
  /// The name the client put in `model`.
  std::string requested_model;
  /// The route that was used; empty when the client named a deployment directly.
  std::string route;
  /// The policy that chose the candidates: "use", "direct", "tier", "cost", "semantic",
  /// "learned" or "cascade".
  std::string policy;
  /// Already filtered by every constraint, so failover, hedges and cascade steps can only reach
  /// these deployments.
  std::vector<Candidate> candidates;
  /// Deployments left out and why, e.g. "gpt-4o: provider openai disabled".
  std::vector<std::string> skipped;
  /// A short, operator-readable account of the decision (the `x-pointsman-decision` header).
  std::string decision;

  ExecutionStrategy strategy = ExecutionStrategy::SingleWithFailover;
  /// The acceptance checks of a cascade, in the config snapshot; null unless `strategy` is
  /// Cascade.
  const config::CascadeChecksConfig* cascade_checks = nullptr;
  /// True when only deployments of providers tagged `on_premises` may be tried. The candidates
  /// are already filtered; the flag tells the executor not to add any deployment of its own
  /// (a judge or a verifier elsewhere).
  bool on_premises_only = false;
  DecisionTrace trace;
};

/// The config spelling of a strategy: "single" or "cascade".
const char* strategyName(ExecutionStrategy strategy);

}  // namespace pointsman::route
