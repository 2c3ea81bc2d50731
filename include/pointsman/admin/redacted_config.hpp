#pragma once

#include <pointsman/config/config.hpp>

#include <nlohmann/json_fwd.hpp>

namespace pointsman::admin {

/// The effective config as JSON for `GET /admin/config`, with every secret (API keys, provider
/// header values, the admin token) replaced by its redacted form and URL queries masked.
nlohmann::json redactedConfigJson(const config::Config& config);

}  // namespace pointsman::admin
