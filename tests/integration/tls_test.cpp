// HTTPS upstreams: a provider whose certificate chains to `ca_file` works, and one that cannot
// be verified fails the attempt with a message about certificate verification.

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/test_certificates.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

class TlsUpstream : public GatewayTest {
 protected:
  void SetUp() override {
    certificates_ = std::make_unique<TestCertificates>();
    secure_ = std::make_unique<MockUpstream>(
        TlsServerFiles{certificates_->certFile(), certificates_->keyFile()});
  }

  void TearDown() override {
    if (secure_) secure_->stop();
    GatewayTest::TearDown();
  }

  std::string configWithSecureProvider(const std::string& providerFields) const {
    return defaultConfig()
        .provider("secure", secure_->baseUrl(), providerFields)
        .deployment("secure-mini", "secure", kUpstreamModel)
        .yaml();
  }

  std::unique_ptr<TestCertificates> certificates_;
  std::unique_ptr<MockUpstream> secure_;
};

TEST_F(TlsUpstream, TrustedCertificateWorks) {
  startGateway(configWithSecureProvider("ca_file: \"" + certificates_->caFile() + "\""));

  HttpResponse response = postChat(chatBody("secure-mini"));

  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_EQ(secure_->requestCount(), 1u);
  EXPECT_EQ(secure_->requests().front().target, "/v1/chat/completions");
  EXPECT_EQ(json::parse(secure_->requests().front().body)["model"], kUpstreamModel);
}

TEST_F(TlsUpstream, StreamOverTlsIsRelayed) {
  secure_->enqueue(Script()
                       .streamHeaders()
                       .chunk(roleEvent())
                       .chunk(contentEvent("secure "))
                       .chunk(contentEvent("stream"))
                       .chunk(finishEvent())
                       .chunk(doneEvent())
                       .endChunked());
  startGateway(configWithSecureProvider("ca_file: \"" + certificates_->caFile() + "\""));

  auto stream = openStream(chatBody("secure-mini", true));
  std::vector<ReceivedEvent> events = stream->readAll(kWait);

  ASSERT_EQ(stream->status(), 200);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]");
  EXPECT_NE(stream->rawBody().find("secure "), std::string::npos);
  EXPECT_NE(stream->rawBody().find("stream"), std::string::npos);
}

TEST_F(TlsUpstream, UntrustedCertificateFailsWithClearMessage) {
  startGateway(configWithSecureProvider(""));

  HttpResponse response = postChat(chatBody("secure-mini"));

  ASSERT_EQ(response.status, 502) << response.body;
  std::string message = response.json()["error"].value("message", "");
  std::transform(message.begin(), message.end(), message.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_NE(message.find("certificate"), std::string::npos) << response.body;
  EXPECT_EQ(secure_->requestCount(), 0u);
}

}  // namespace
}  // namespace pointsman::test
