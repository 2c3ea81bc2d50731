#include <pointsman/admin/admin_handler.hpp>

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

http::HeaderList jsonHeaders() {
  http::HeaderList headers;
  headers.emplace_back("content-type", "application/json");
  return headers;
}

std::string_view pathOf(const http::RequestMessage& message) {
  std::string_view target(message.target().data(), message.target().size());
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

  const auto header = message.find(boost::beast::http::field::authorization);
  if (header == message.end()) return false;
  std::string_view value(header->value().data(), header->value().size());
  constexpr std::string_view kBearer = "Bearer ";
  if (!value.starts_with(kBearer)) return false;
  return constantTimeEquals(value.substr(kBearer.size()), config.admin.token.reveal());
}

asio::awaitable<void> AdminHandler::handle(http::IncomingRequest& request, http::ResponseWriter& writer) {
  const auto path = pathOf(request.message);
  if (co_await answerHealthProbe(path, state_, {}, writer)) co_return;

  const auto config = config_store_.current();
  const bool known_path = path == "/metrics" || path == "/admin/config" || path == "/admin/explain";
  if (!known_path) {
    co_await writer.sendResponse(404, jsonHeaders(),
                                 http::openAiErrorBody("Unknown admin path.", "invalid_request_error", {}, "unknown_url"));
    co_return;
  }
  if (!authorized(request.message, *config)) {
    spdlog::warn("admin: rejected {} {} from {}: missing or wrong admin token", request.message.method_string(),
                 path, request.remote_address);
    auto headers = jsonHeaders();
    headers.emplace_back("www-authenticate", "Bearer");
    co_await writer.sendResponse(401, std::move(headers),
                                 http::openAiErrorBody("The admin token is missing or wrong.", "authentication_error",
                                                       {}, "invalid_admin_token"));
    co_return;
  }
  if (path == "/admin/explain") {
    co_await answerExplain(request, writer, *config);
    co_return;
  }
  if (request.message.method() != boost::beast::http::verb::get) {
    auto headers = jsonHeaders();
    headers.emplace_back("allow", "GET");
    co_await writer.sendResponse(405, std::move(headers),
                                 http::openAiErrorBody("Only GET is allowed here.", "invalid_request_error", {},
                                                       "method_not_allowed"));
    co_return;
  }

  if (path == "/metrics") {
    http::HeaderList headers;
    headers.emplace_back("content-type", "text/plain; version=0.0.4; charset=utf-8");
    co_await writer.sendResponse(200, std::move(headers), registry_.renderPrometheusText());
    co_return;
  }
  co_await writer.sendResponse(200, jsonHeaders(), redactedConfigJson(*config).dump(2));
}

asio::awaitable<void> AdminHandler::answerExplain(http::IncomingRequest& request, http::ResponseWriter& writer,
                                                  const config::Config& config) {
  if (request.message.method() != boost::beast::http::verb::post) {
    auto headers = jsonHeaders();
    headers.emplace_back("allow", "POST");
    co_await writer.sendResponse(405, std::move(headers),
                                 http::openAiErrorBody("Only POST is allowed here.", "invalid_request_error", {},
                                                       "method_not_allowed"));
    co_return;
  }
  auto result = explainRequest(config, request.message.body());
  co_await writer.sendResponse(result.status, jsonHeaders(), std::move(result.body));
}

}  // namespace pointsman::admin
