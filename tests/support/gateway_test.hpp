#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "support/config_builder.hpp"
#include "support/gateway_process.hpp"
#include "support/http_client.hpp"
#include "support/mock_upstream.hpp"
#include "support/sse_client.hpp"
#include "support/sse_events.hpp"

namespace pointsman::test {

/// Fixture for tests that run one gateway process in front of two mock upstreams: `primary_`
/// (provider `primary`, deployment `mini`) and `backup_` (provider `backup`, deployment
/// `backup-mini`), with route `smart` = [mini, backup-mini].
class GatewayTest : public ::testing::Test {
 protected:
  /// The provider key, given through ${PRIMARY_KEY}, that must never show up in any output.
  static constexpr const char* kProviderKeyCanary = "sk-test-CANARY-provider-7f3a9c";
  static constexpr std::chrono::seconds kWait{10};

  void TearDown() override;

  /// The default two-provider config; tests add fields or build their own.
  ConfigBuilder defaultConfig(const std::string& primaryFields = {}) const;
  /// Starts the gateway with `yaml` and PRIMARY_KEY set to the canary key.
  void startGateway(const std::string& yaml);
  void startGateway() { startGateway(defaultConfig().yaml()); }

  /// `{"model":MODEL,"messages":[{"role":"user","content":"hi"}]}`, with "stream":true when asked.
  static std::string chatBody(const std::string& model, bool stream = false);

  HttpResponse postChat(const std::string& body, const HeaderList& headers = {});
  /// Sends a streaming request and returns the client; reading starts when the test reads.
  std::unique_ptr<SseClient> openStream(const std::string& body, const HeaderList& headers = {});

  HttpResponse adminGet(const std::string& target);

  /// Polls `/metrics` until `condition` holds for its text or `timeout` passes; returns the last
  /// text read. A request is metered after its last byte reaches the client, so a read right
  /// after a response may not show it yet.
  std::string waitForMetrics(const std::function<bool(const std::string&)>& condition,
                             std::chrono::milliseconds timeout = std::chrono::seconds(5));

  MockUpstream primary_;
  MockUpstream backup_;
  std::unique_ptr<GatewayProcess> gateway_;
};

}  // namespace pointsman::test
