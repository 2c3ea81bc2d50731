#include "support/gateway_test.hpp"

#include <thread>

namespace pointsman::test {

void GatewayTest::TearDown() {
  // Mocks first: closing stalled upstream connections lets the gateway drain and exit quickly.
  primary_.stop();
  backup_.stop();
  gateway_.reset();
}

ConfigBuilder GatewayTest::defaultConfig(const std::string& primaryFields) const {
  std::string primary =
      "api_key: \"${PRIMARY_KEY:-sk-test-CANARY-provider-7f3a9c}\", "
      "timeouts: { connect_ms: 1000, first_token_ms: 3000, idle_ms: 1000 }";
  if (!primaryFields.empty()) primary = primaryFields;
  ConfigBuilder config;
  config.serverField("stream_keepalive_ms: 200")
      .serverField("drain_timeout_ms: 3000")
      .provider("primary", primary_.baseUrl(), primary)
      .provider("backup", backup_.baseUrl(), "timeouts: { connect_ms: 1000, idle_ms: 1000 }")
      .deployment("mini", "primary", kUpstreamModel, "context: 128000")
      .deployment("backup-mini", "backup", "backup-model", "context: 64000")
      .route("smart", {"mini", "backup-mini"});
  return config;
}

void GatewayTest::startGateway(const std::string& yaml) {
  gateway_ = std::make_unique<GatewayProcess>(
      yaml, std::map<std::string, std::string>{{"PRIMARY_KEY", kProviderKeyCanary}});
}

std::string GatewayTest::chatBody(const std::string& model, bool stream) {
  std::string body = R"({"model":")" + model + R"(","messages":[{"role":"user","content":"hi"}])";
  if (stream) body += R"(,"stream":true)";
  return body + "}";
}

HttpResponse GatewayTest::postChat(const std::string& body, const HeaderList& headers) {
  return post(gateway_->publicPort(), "/v1/chat/completions", body, headers, kWait);
}

std::unique_ptr<SseClient> GatewayTest::openStream(const std::string& body,
                                                   const HeaderList& headers) {
  return std::make_unique<SseClient>(
      gateway_->publicPort(),
      RequestOptions{
          .target = "/v1/chat/completions", .headers = headers, .body = body, .timeout = kWait});
}

HttpResponse GatewayTest::adminGet(const std::string& target) {
  return get(gateway_->adminPort(), target, {}, kWait);
}

std::string GatewayTest::waitForMetrics(const std::function<bool(const std::string&)>& condition,
                                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::string text = adminGet("/metrics").body;
    if (condition(text) || std::chrono::steady_clock::now() >= deadline) return text;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace pointsman::test
