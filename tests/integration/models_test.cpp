// Route names and deployments: `/v1/models`, unknown models, and the `model` field of responses.

#include <nlohmann/json.hpp>
#include <set>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

class Models : public GatewayTest {};

TEST_F(Models, ListShowsRoutesAndDeployments) {
  startGateway();

  HttpResponse response = get(gateway_->publicPort(), "/v1/models");

  ASSERT_EQ(response.status, 200) << response.body;
  json list = response.json();
  EXPECT_EQ(list["object"], "list");
  ASSERT_TRUE(list["data"].is_array()) << response.body;
  std::set<std::string> ids;
  for (const auto& model : list["data"]) {
    EXPECT_EQ(model["object"], "model") << model.dump();
    ids.insert(model.value("id", ""));
  }
  EXPECT_EQ(ids, (std::set<std::string>{"smart", "mini", "backup-mini"}));
  EXPECT_EQ(primary_.requestCount(), 0u);
}

TEST_F(Models, UnknownModelGetsNotFoundWithoutUpstreamCall) {
  startGateway();

  HttpResponse response = postChat(chatBody("gpt5"));

  ASSERT_EQ(response.status, 404) << response.body;
  json error = response.json();
  ASSERT_TRUE(error["error"].is_object()) << response.body;
  EXPECT_EQ(error["error"]["param"], "model");
  EXPECT_EQ(error["error"]["code"], "model_not_found");
  EXPECT_EQ(primary_.requestCount(), 0u);
  EXPECT_EQ(backup_.requestCount(), 0u);
}

TEST_F(Models, UnknownModelInStreamGetsJsonNotFound) {
  startGateway();

  auto stream = openStream(chatBody("gpt5", true));
  ASSERT_TRUE(stream->waitForHead(kWait));
  std::string body = stream->readBody(kWait);

  EXPECT_EQ(stream->status(), 404);
  EXPECT_EQ(json::parse(body, nullptr, false)["error"]["param"], "model") << body;
  EXPECT_EQ(primary_.requestCount(), 0u);
}

// The documented rule: the response `model` is the upstream's id, as OpenAI does for its own
// aliases. The headers name the requested route and the resolved deployment.
TEST_F(Models, ResponseModelIsRelayedAsUpstreamSentIt) {
  startGateway();

  HttpResponse response = postChat(chatBody("smart"));

  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json()["model"], kUpstreamModel);
  EXPECT_EQ(response.header("x-pointsman-route"), "smart");
  EXPECT_EQ(response.header("x-pointsman-deployment"), "mini");
}

}  // namespace
}  // namespace pointsman::test
