// Plans the replies of POST /v1/chat/completions and POST /v1/completions.
#pragma once

#include "sim/exchange_context.hpp"
#include "sim/reply_plan.hpp"
#include "sim/stream_events.hpp"

#include <nlohmann/json_fwd.hpp>

namespace pointsman::sim {

/// Returns the plan for a parsed request body: a JSON completion, a stream, or a 400 error.
ReplyPlan planCompletion(CompletionKind kind, const nlohmann::json& body,
                         const ExchangeContext& context);

}  // namespace pointsman::sim
