// The admin listener (metrics, config) and what the public listener refuses to show.

#include <nlohmann/json.hpp>

#include "support/gateway_test.hpp"
#include "support/prometheus_text.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

class Admin : public GatewayTest {};

// A histogram or summary shows up as NAME_count; accept a plain NAME sample too.
bool hasSeries(const std::string& exposition, const std::string& name) {
  return metricSum(exposition, name + "_count").has_value() ||
         metricSum(exposition, name).has_value();
}

TEST_F(Admin, MetricsExposeRequestSeries) {
  startGateway();
  ASSERT_EQ(postChat(chatBody("smart")).status, 200);
  primary_.enqueue(Script()
                       .streamHeaders()
                       .chunk(roleEvent())
                       .chunk(contentEvent("metered"))
                       .chunk(finishEvent())
                       .chunk(doneEvent())
                       .endChunked());
  auto stream = openStream(chatBody("mini", true));
  stream->readAll(kWait);

  HttpResponse response = adminGet("/metrics");
  const std::string text = waitForMetrics([](const std::string& exposition) {
    return metricSum(exposition, "pointsman_upstream_attempts_total", R"(deployment="mini")")
                   .value_or(0) >= 2.0 &&
           metricSum(exposition, "pointsman_time_to_first_token_seconds_count").value_or(0) >= 1.0;
  });

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type").rfind("text/plain", 0), 0u)
      << response.header("content-type");
  EXPECT_GE(
      metricSum(text, "pointsman_requests_total", R"(route="smart",deployment="mini")").value_or(0),
      1.0)
      << text;
  EXPECT_TRUE(hasSeries(text, "pointsman_request_duration_seconds")) << text;
  EXPECT_TRUE(hasSeries(text, "pointsman_time_to_first_token_seconds")) << text;
  EXPECT_GE(
      metricSum(text, "pointsman_upstream_attempts_total", R"(deployment="mini")").value_or(0), 2.0)
      << text;
  EXPECT_TRUE(metricSum(text, "pointsman_requests_in_flight").has_value()) << text;
  EXPECT_TRUE(hasSeries(text, "pointsman_gateway_overhead_seconds")) << text;
  // Label values come from config only: the request id or body never become a label.
  EXPECT_EQ(text.find("chatcmpl-mock"), std::string::npos);
}

TEST_F(Admin, StatusClassLabelCountsFailures) {
  primary_.setDefault(Script().status(503, {}, errorJson("overloaded", "server_error")));
  startGateway();
  HttpResponse failed = postChat(chatBody("mini"));
  ASSERT_GE(failed.status, 500);

  const std::string text = waitForMetrics([](const std::string& exposition) {
    return metricSum(exposition, "pointsman_requests_total",
                     R"(deployment="mini",status_class="5xx")")
        .has_value();
  });

  EXPECT_GE(metricSum(text, "pointsman_requests_total", R"(deployment="mini",status_class="5xx")")
                .value_or(0),
            1.0)
      << text;
}

TEST_F(Admin, ConfigEndpointRedactsSecrets) {
  startGateway();

  HttpResponse response = adminGet("/admin/config");

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_NE(response.body.find("primary"), std::string::npos) << response.body;
  EXPECT_EQ(response.body.find(kProviderKeyCanary), std::string::npos);
  EXPECT_EQ(response.body.find("CANARY"), std::string::npos);
}

class PublicAdminPath : public GatewayTest, public ::testing::WithParamInterface<const char*> {};

// Raw request lines, so that no client library normalizes the dot segments or double slashes.
TEST_P(PublicAdminPath, IsNotFoundOnPublicListener) {
  startGateway();
  const std::string target = GetParam();

  HttpResponse response =
      sendRaw(gateway_->publicPort(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

  EXPECT_EQ(response.status, 404) << target << ": " << response.body;
  EXPECT_EQ(response.body.find(kProviderKeyCanary), std::string::npos);
  EXPECT_EQ(response.body.find("pointsman_requests_total"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Spellings, PublicAdminPath,
                         ::testing::Values("/admin/config", "/metrics", "//admin/config",
                                           "/v1/../admin/config", "/%2e%2e/admin/config",
                                           "/v1/%2E%2E/admin/config", "/admin/../metrics", "/admin/spend",
                                           "/admin/keys", "/admin/keys/acme", "//admin/keys"));

TEST_F(Admin, UnknownPathIsNotFoundJson) {
  startGateway();

  HttpResponse response = get(gateway_->publicPort(), "/v1/no-such-endpoint");

  ASSERT_EQ(response.status, 404) << response.body;
  EXPECT_EQ(response.header("content-type").rfind("application/json", 0), 0u);
  EXPECT_TRUE(response.json()["error"].is_object()) << response.body;
}

TEST_F(Admin, WrongMethodIsMethodNotAllowedJson) {
  startGateway();

  HttpResponse response = get(gateway_->publicPort(), "/v1/chat/completions");

  ASSERT_EQ(response.status, 405) << response.body;
  EXPECT_EQ(response.header("content-type").rfind("application/json", 0), 0u);
  EXPECT_TRUE(response.json()["error"].is_object()) << response.body;
}

TEST_F(Admin, HealthEndpointsAnswerOnBothListeners) {
  startGateway();

  EXPECT_EQ(get(gateway_->publicPort(), "/healthz").status, 200);
  EXPECT_EQ(get(gateway_->publicPort(), "/readyz").status, 200);
  EXPECT_EQ(adminGet("/healthz").status, 200);
  EXPECT_EQ(adminGet("/readyz").status, 200);
}

}  // namespace
}  // namespace pointsman::test
