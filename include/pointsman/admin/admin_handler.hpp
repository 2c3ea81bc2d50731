#pragma once

#include <pointsman/admin/accounting_admin.hpp>
#include <pointsman/config/config_store.hpp>
#include <pointsman/http/incoming_request.hpp>
#include <pointsman/http/response_writer.hpp>
#include <pointsman/http/server_state.hpp>
#include <pointsman/telemetry/metrics.hpp>

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace pointsman::admin {

/// The admin listener: `/healthz` and `/readyz` are open; `/metrics` and everything under
/// `/admin/` (config, explain, spend, keys) need the admin token when one is configured
/// (default deny for anything else).
class AdminHandler {
 public:
  AdminHandler(config::ConfigStore& config_store, telemetry::Registry& registry, const http::ServerState& state);

  /// Gives the spend and key endpoints the running accounting; without it they answer 503.
  void attachAccounting(AccountingAdmin* accounting);

  boost::asio::awaitable<void> handle(http::IncomingRequest& request, http::ResponseWriter& writer);

 private:
  [[nodiscard]] bool authorized(const http::RequestMessage& message, const config::Config& config) const;
  /// `POST /admin/explain`: the plan a chat request would get, without calling any upstream.
  boost::asio::awaitable<void> answerExplain(http::IncomingRequest& request, http::ResponseWriter& writer,
                                             const config::Config& config);

  config::ConfigStore& config_store_;
  telemetry::Registry& registry_;
  const http::ServerState& state_;
  AccountingAdmin* accounting_ = nullptr;
};

/// Returns true for the probe paths both listeners serve: `/healthz` and `/readyz`. Callers check
/// it before answerHealthProbe, so other requests do not pay for a coroutine frame.
inline bool isHealthProbePath(std::string_view path) { return path == "/healthz" || path == "/readyz"; }

/// `/healthz` and `/readyz` answers, shared by both listeners. Returns false for other paths.
boost::asio::awaitable<bool> answerHealthProbe(std::string_view path, const http::ServerState& state,
                                               const http::HeaderList& extra_headers, http::ResponseWriter& writer);

/// Compares two secrets in time that does not depend on where they differ.
bool constantTimeEquals(std::string_view presented, std::string_view expected);

}  // namespace pointsman::admin
