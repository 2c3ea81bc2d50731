// The Anthropic Messages API (`POST /v1/messages`, version 2023-06-01): validation, text
// answers, tool use, usage with cache fields, streamed or not, and Anthropic-shaped errors.
#pragma once

#include "sim/exchange_context.hpp"
#include "sim/reply_plan.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace pointsman::sim {

/// Returns an Anthropic error plan: `{"type":"error","error":{"type","message"}}` with the
/// error type of `status` (e.g. `overloaded_error` for 529).
ReplyPlan makeMessagesErrorPlan(int status, std::string_view message);

/// Returns the Anthropic error plan for the status fault of `fault`, or nothing. A fault with its
/// own body keeps that body.
std::optional<ReplyPlan> makeMessagesFaultReply(const FaultPlan& fault);

/// Returns the plan for a Messages request. The answer text is the model's usual answer; when
/// `tools` is set and the last user text mentions the weather, the answer is a text block and one
/// `tool_use` block per tool (at most two), whose streamed arguments interleave. Blocks that carry
/// `cache_control` count as cache reads in `usage.cache_read_input_tokens`.
ReplyPlan planMessages(const nlohmann::json& body, const ExchangeContext& context);

/// Returns the plan for `POST /v1/messages/count_tokens`: `{"input_tokens":N}`, where N is the
/// `input_tokens` plus `cache_read_input_tokens` that the same Messages request would report. The
/// request is validated like a Messages request, except that `max_tokens` is not required.
ReplyPlan planCountTokens(const nlohmann::json& body);

}  // namespace pointsman::sim
