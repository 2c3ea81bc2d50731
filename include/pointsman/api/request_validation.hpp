#pragma once

#include <pointsman/api/api_error.hpp>
#include <pointsman/api/endpoint.hpp>

#include <nlohmann/json_fwd.hpp>

#include <optional>

namespace pointsman::api {

/// Checks what the endpoint requires before anything is routed, so a malformed request gets a
/// 400 naming the field instead of an upstream round trip. Fields the gateway does not know are
/// not checked: they are forwarded untouched.
std::optional<ApiError> validateRequest(Endpoint endpoint, const nlohmann::json& body);

}  // namespace pointsman::api
