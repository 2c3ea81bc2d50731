#pragma once

#include <optional>
#include <string>

namespace pointsman::test {

/// Sums the samples of `name` in Prometheus text exposition whose label set contains every
/// `key="value"` pair in `labelFilter` (e.g. `route="smart",deployment="mini"`; empty matches
/// all). Returns nothing when no sample matches.
std::optional<double> metricSum(const std::string& exposition, const std::string& name,
                                const std::string& labelFilter = {});

}  // namespace pointsman::test
