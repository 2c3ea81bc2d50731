#pragma once

#include <pointsman/config/config.hpp>

#include <string>
#include <vector>

namespace pointsman::route {

/// A deployment the plan may try, with the provider it runs at. Both point into the config
/// snapshot the request holds, so they stay valid for the whole request.
struct Candidate {
  const config::DeploymentConfig* deployment = nullptr;
  const config::ProviderConfig* provider = nullptr;
};

/// What a policy decided for one request: the deployments to try, in order, and why.
struct Plan {
  /// The name the client put in `model`.
  std::string requested_model;
  /// The route that was used; empty when the client named a deployment directly.
  std::string route;
  /// The policy that chose the candidates, e.g. "use" or "direct".
  std::string policy;
  std::vector<Candidate> candidates;
  /// Deployments left out and why, e.g. "gpt-4o: provider openai disabled".
  std::vector<std::string> skipped;
  /// A short, operator-readable account of the decision (the `x-pointsman-decision` header).
  std::string decision;
};

}  // namespace pointsman::route
