#pragma once

#include <pointsman/analyze/features.hpp>
#include <pointsman/route/principal_view.hpp>

#include <functional>
#include <optional>
#include <string_view>

namespace pointsman::route {

/// Returns the value of a request header by its lower-case name, or nothing when it is absent.
using HeaderLookup = std::function<std::optional<std::string_view>(std::string_view name)>;

/// Everything a policy may read about one request. The pointers and the body outlive the call.
struct RouteInput {
  const analyze::Features* features = nullptr;
  /// Null for an anonymous caller.
  const PrincipalView* principal = nullptr;
  /// Empty when the caller has no headers to offer (tests, explain without headers).
  HeaderLookup headers;
  /// The request body as JSON text, for `request:` conditions on top-level fields.
  std::string_view body;
};

}  // namespace pointsman::route
