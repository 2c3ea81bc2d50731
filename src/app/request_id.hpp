#pragma once

#include <string>
#include <string_view>

namespace pointsman::app {

/// The client's `x-request-id` when it is a sane token (1-128 visible ASCII characters without
/// spaces or quotes), else a new random 32-hex-digit id.
std::string requestIdFor(std::string_view client_value);

}  // namespace pointsman::app
