#include <pointsman/admin/admin_handler.hpp>

#include "admin/admin_replies.hpp"
#include "admin/keys_endpoint.hpp"
#include "admin/spend_endpoint.hpp"

#include <pointsman/admin/explain.hpp>
#include <pointsman/admin/redacted_config.hpp>
#include <pointsman/http/error_body.hpp>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

namespace pointsman::admin {
namespace asio = boost::asio;

namespace {

std::string_view pathOf(const http::RequestMessage& message) {
  const std::string_view target = message.target();
  return target.substr(0, target.find('?'));
}

}  // namespace

bool constantTimeEquals(std::string_view presented, std::string_view expected) {
  // Hashing first makes the comparison length-independent as well.
  unsigned char presented_digest[SHA256_DIGEST_LENGTH];
  unsigned char expected_digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(presented.data()), presented.size(), presented_digest);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), expected_digest);
  return CRYPTO_memcmp(presented_digest, expected_digest, SHA256_DIGEST_LENGTH) == 0;
}

asio::awaitable<bool> answerHealthProbe(std::string_view path, const http::ServerState& state,
                                        const http::HeaderList& extra_headers, http::ResponseWriter& writer) {
  if (!isHealthProbePath(path)) co_return false;

  auto headers = extra_headers;
  headers.emplace_back("content-type", "application/json");
  if (path == "/healthz") {
    co_await writer.sendResponse(200, std::move(headers), R"({"status":"ok"})");
    co_return true;
  }
  if (path == "/readyz") {
    const bool ready = state.ready.load() && !state.draining.load();
    const unsigned status = ready ? 200 : 503;
    std::string body = ready ? R"({"status":"ready"})" : R"({"status":"not ready"})";
    co_await writer.sendResponse(status, std::move(headers), std::move(body));
    co_return true;
  }
  co_return false;
}

AdminHandler::AdminHandler(config::ConfigStore& config_store, telemetry::Registry& registry,
                           const http::ServerState& state)
    : config_store_(config_store), registry_(registry), state_(state) {}

bool AdminHandler::authorized(const http::RequestMessage& message, const config::Config& config) const {
  // No token is only accepted on a loopback admin address; the config loader enforces that.
  if (config.admin.token.empty()) return true;

  const auto header = message.fields().find("authorization");
  if (!header) return false;
  const std::string_view value = *header;
  constexpr std::string_view kBearer = "Bearer ";
  if (!value.starts_with(kBearer)) return false;
  return constantTimeEquals(value.substr(kBearer.size()), config.admin.token.reveal());
}

namespace {

enum class AdminPath { Unknown, Metrics, Config, Explain, Spend, Keys };

/// Classifies `path` by endpoint. For `/admin/keys/{name}` it also sets `key_name`.
AdminPath classify(std::string_view path, std::string_view& key_name) {
  if (path == "/metrics") return AdminPath::Metrics;
  if (path == "/admin/config") return AdminPath::Config;
  if (path == "/admin/explain") return AdminPath::Explain;
  if (path == "/admin/spend") return AdminPath::Spend;
  if (path == "/admin/keys") return AdminPath::Keys;
  constexpr std::string_view kKeyPrefix = "/admin/keys/";
  if (path.starts_with(kKeyPrefix) && path.size() > kKeyPrefix.size() &&
      path.find('/', kKeyPrefix.size()) == std::string_view::npos) {
    key_name = path.substr(kKeyPrefix.size());
    return AdminPath::Keys;
  }
  return AdminPath::Unknown;
}

}  // namespace

void AdminHandler::attachAccounting(AccountingAdmin* accounting) { accounting_ = accounting; }

asio::awaitable<void> AdminHandler::handle(http::IncomingRequest& request, http::ResponseWriter& writer) {
  const auto path = pathOf(request.message);
  if (co_await answerHealthProbe(path, state_, {}, writer)) co_return;

  // Unknown paths get 404 before the token check, so the response reveals nothing that a scan of
  // the documented paths would not.
  const auto config = config_store_.current();
  std::string_view key_name;
  const auto endpoint = classify(path, key_name);
  if (endpoint == AdminPath::Unknown) {
    co_await sendError(writer, 404, "Unknown admin path.", "invalid_request_error", {}, "unknown_url");
    co_return;
  }
  if (!authorized(request.message, *config)) {
    spdlog::warn("admin: rejected {} {} from {}: missing or wrong admin token", request.message.method(),
                 path, request.remote_address);
    auto headers = jsonHeaders();
    headers.emplace_back("www-authenticate", "Bearer");
    co_await writer.sendResponse(401, std::move(headers),
                                 http::openAiErrorBody("The admin token is missing or wrong.", "authentication_error",
                                                       {}, "invalid_admin_token"));
    co_return;
  }

  switch (endpoint) {
    case AdminPath::Explain:
      co_await answerExplain(request, writer, *config);
      co_return;
    case AdminPath::Spend:
    case AdminPath::Keys:
      if (accounting_ == nullptr) {
        co_await sendError(writer, 503, "Accounting is not running.", "server_error", {}, "accounting_unavailable");
      } else if (endpoint == AdminPath::Spend) {
        co_await answerSpend(request, writer, *accounting_);
      } else {
        co_await answerKeys(request, writer, *config, *accounting_, key_name);
      }
      co_return;
    default:
      break;
  }

  if (request.message.method() != "GET") {
    co_await sendMethodNotAllowed(writer, "GET");
    co_return;
  }
  if (endpoint == AdminPath::Metrics) {
    http::HeaderList headers;
    headers.emplace_back("content-type", "text/plain; version=0.0.4; charset=utf-8");
    co_await writer.sendResponse(200, std::move(headers), registry_.renderPrometheusText());
    co_return;
  }
  co_await writer.sendResponse(200, jsonHeaders(), redactedConfigJson(*config).dump(2));
}

asio::awaitable<void> AdminHandler::answerExplain(http::IncomingRequest& request, http::ResponseWriter& writer,
                                                  const config::Config& config) {
  if (request.message.method() != "POST") {
    co_await sendMethodNotAllowed(writer, "POST");
    co_return;
  }
  auto result = explainRequest(config, request.message.body(), accounting_);
  co_await writer.sendResponse(result.status, jsonHeaders(), std::move(result.body));
}

}  // namespace pointsman::admin
