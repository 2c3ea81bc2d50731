// Corporate network edges: an outbound HTTP proxy reached with CONNECT, and client certificates
// (mTLS) presented to providers that require them.

#include <nlohmann/json.hpp>

#include "support/connect_proxy.hpp"
#include "support/gateway_test.hpp"
#include "support/test_certificates.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

class NetworkEdges : public GatewayTest {
 protected:
  void TearDown() override {
    if (secure_) secure_->stop();
    GatewayTest::TearDown();
  }

  void startSecure(bool require_client_certificate) {
    certificates_ = std::make_unique<TestCertificates>();
    TlsServerFiles files{certificates_->certFile(), certificates_->keyFile()};
    if (require_client_certificate) files.clientCaFile = certificates_->caFile();
    secure_ = std::make_unique<MockUpstream>(files);
  }

  std::string secureConfig(const std::string& provider_fields) const {
    return defaultConfig()
        .provider("secure", secure_->baseUrl(), "ca_file: \"" + certificates_->caFile() + "\", " + provider_fields)
        .deployment("secure-mini", "secure", kUpstreamModel)
        .yaml();
  }

  std::unique_ptr<TestCertificates> certificates_;
  std::unique_ptr<MockUpstream> secure_;
  ConnectProxy proxy_;
};

TEST_F(NetworkEdges, PlainProviderTunnelsThroughItsProxy) {
  startGateway(defaultConfig()
                   .provider("proxied", primary_.baseUrl(), "proxy: \"" + proxy_.url() + "\"")
                   .deployment("proxied-mini", "proxied", kUpstreamModel)
                   .yaml());

  const auto response = postChat(chatBody("proxied-mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_EQ(proxy_.targets().size(), 1u);
  EXPECT_EQ(proxy_.targets()[0], "127.0.0.1:" + std::to_string(primary_.port()));
  EXPECT_EQ(primary_.requestCount(), 1u);
}

TEST_F(NetworkEdges, TlsProviderRunsTlsInsideTheTunnel) {
  startSecure(false);
  startGateway(secureConfig("proxy: \"" + proxy_.url() + "\""));

  const auto first = postChat(chatBody("secure-mini"));
  const auto second = postChat(chatBody("secure-mini"));

  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(second.status, 200) << second.body;
  // Each worker keeps its own tunnel, so there are one or two, each to the TLS upstream.
  ASSERT_FALSE(proxy_.targets().empty());
  EXPECT_LE(proxy_.targets().size(), 2u);
  for (const auto& target : proxy_.targets()) EXPECT_EQ(target, "127.0.0.1:" + std::to_string(secure_->port()));
  EXPECT_EQ(secure_->requestCount(), 2u);
}

TEST_F(NetworkEdges, ProxyNoneConnectsDirectly) {
  startGateway(defaultConfig()
                   .provider("direct", primary_.baseUrl(), "proxy: none")
                   .deployment("direct-mini", "direct", kUpstreamModel)
                   .yaml());

  const auto response = postChat(chatBody("direct-mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(proxy_.targets().empty());
}

TEST_F(NetworkEdges, ClientCertificateOpensAProviderThatRequiresOne) {
  startSecure(true);
  startGateway(secureConfig("client_cert_file: \"" + certificates_->clientCertFile() + "\", client_key_file: \"" +
                            certificates_->clientKeyFile() + "\""));

  const auto response = postChat(chatBody("secure-mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(secure_->requestCount(), 1u);
}

TEST_F(NetworkEdges, MissingClientCertificateFailsTheHandshake) {
  startSecure(true);
  startGateway(secureConfig("timeouts: { connect_ms: 2000 }"));

  const auto response = postChat(chatBody("secure-mini"));

  EXPECT_EQ(response.status, 502) << response.body;
  EXPECT_EQ(secure_->requestCount(), 0u);
}

}  // namespace
}  // namespace pointsman::test
