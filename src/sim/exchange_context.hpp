// The settings that decide one answer, resolved from the config and the request headers.
#pragma once

#include "sim/fault_plan.hpp"
#include "sim/model_profile.hpp"

#include <cstdint>
#include <string>

namespace pointsman::sim {

struct ExchangeContext {
  /// The request's sequence number, used in `x-request-id` and the response ids.
  std::uint64_t number = 0;
  /// Unix time in seconds for the `created` fields.
  std::int64_t created = 0;
  std::string model;
  /// The model's profile after the `x-sim-*` header overrides.
  ModelProfile profile;
  /// The model's fault list followed by the `x-sim-fault` header, so header items win.
  FaultPlan fault;
  double timeScale = 1.0;
};

}  // namespace pointsman::sim
