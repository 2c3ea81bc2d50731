#pragma once

#include <pointsman/admin/accounting_admin.hpp>
#include <pointsman/config/config.hpp>

#include <string>
#include <string_view>

namespace pointsman::admin {

/// The status and JSON body of an `/admin/explain` response.
struct ExplainResult {
  unsigned status = 200;
  std::string body;
};

/// Builds the response to `POST /admin/explain`. The body is a chat completions request, optionally with
/// `"key": "<client key>"` (looked up in `accounting`'s registry) or `"principal": {"tier",
/// "key_name", "team", "labels", "budget_remaining"}`, and `"headers": {name: value}`, to stand in
/// for the caller. Fields of `principal` override those the key gives. Returns the features, the plan and the decision
/// trace that the request would get, without calling any upstream. A malformed request gets the
/// same OpenAI-shaped 400 or 404 that `/v1/chat/completions` would send.
ExplainResult explainRequest(const config::Config& config, std::string_view body,
                             const AccountingAdmin* accounting = nullptr);

}  // namespace pointsman::admin
