// Plans the replies of POST /v1/embeddings.
#pragma once

#include "sim/exchange_context.hpp"
#include "sim/reply_plan.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string_view>
#include <vector>

namespace pointsman::sim {

/// Returns a unit-length vector of `dimensions` floats derived only from `input`.
std::vector<float> embedText(std::string_view input, int dimensions);

/// Returns the plan for a parsed request body: an embedding list or a 400 error. Supports the
/// `float` and `base64` encoding formats.
ReplyPlan planEmbeddings(const nlohmann::json& body, const ExchangeContext& context);

}  // namespace pointsman::sim
