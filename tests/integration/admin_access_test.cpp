// Access to the admin listener: every admin path rejects missing, wrong and client credentials
// and accepts the admin token, while the health probes stay open.

#include <nlohmann/json.hpp>

#include <pointsman/accounting/key_registry.hpp>

#include "support/gateway_test.hpp"

namespace pointsman::test {
namespace {

using nlohmann::json;

constexpr const char* kAdminToken = "adm-token-9c41e0";
constexpr const char* kClientKey = "sk-client-g20-1";

struct AdminCall {
  std::string method;
  std::string target;
  std::string body;
};

std::vector<AdminCall> adminCalls() {
  return {{"GET", "/metrics", ""},
          {"GET", "/admin/config", ""},
          {"POST", "/admin/explain", R"({"model":"smart","messages":[{"role":"user","content":"hi"}]})"},
          {"GET", "/admin/spend", ""},
          {"GET", "/admin/spend?group_by=route,deployment", ""},
          {"GET", "/admin/keys", ""},
          {"GET", "/admin/keys/acme", ""},
          {"POST", "/admin/keys", R"({"name":"new-key"})"},
          {"DELETE", "/admin/keys/acme", ""}};
}

class AdminAccess : public GatewayTest {
 protected:
  void startWithToken() {
    auto config = defaultConfig();
    config.auth("keys")
        .rawBlock(std::string("admin: { token: \"") + kAdminToken + "\" }\n")
        .rawBlock("keys:\n  - { name: acme, key_sha256: \"" + accounting::sha256Hex(kClientKey) + "\" }\n");
    startGateway(config.yaml());
  }

  HttpResponse call(const AdminCall& admin_call, const HeaderList& headers) {
    RequestOptions options;
    options.method = admin_call.method;
    options.target = admin_call.target;
    options.body = admin_call.body;
    options.headers = headers;
    return sendRequest(gateway_->adminPort(), options);
  }

  static HeaderList bearer(const std::string& token) { return {{"authorization", "Bearer " + token}}; }
};

TEST_F(AdminAccess, EveryAdminPathRejectsOtherCredentials) {
  startWithToken();
  const std::vector<std::pair<std::string, HeaderList>> refused = {
      {"no credentials", {}},
      {"client key", bearer(kClientKey)},
      {"client key as api-key", {{"api-key", kClientKey}}},
      {"wrong token", bearer("adm-token-9c41e1")},
      {"token without Bearer", {{"authorization", kAdminToken}}},
      {"empty bearer", {{"authorization", "Bearer "}}}};

  for (const auto& admin_call : adminCalls()) {
    for (const auto& [label, headers] : refused) {
      const auto response = call(admin_call, headers);
      EXPECT_EQ(response.status, 401) << admin_call.method << " " << admin_call.target << " with " << label;
      EXPECT_EQ(response.json()["error"]["code"], "invalid_admin_token") << response.body;
    }
  }
}

TEST_F(AdminAccess, AdminTokenOpensEveryAdminPath) {
  startWithToken();
  for (const auto& admin_call : adminCalls()) {
    if (admin_call.method == "DELETE" || admin_call.method == "POST" && admin_call.target == "/admin/keys") continue;
    const auto response = call(admin_call, bearer(kAdminToken));
    EXPECT_EQ(response.status, 200) << admin_call.method << " " << admin_call.target << ": " << response.body;
  }

  // The memory store cannot keep keys, and a config key is revoked in the config, not here.
  const auto create = call({"POST", "/admin/keys", R"({"name":"new-key"})"}, bearer(kAdminToken));
  EXPECT_EQ(create.status, 400) << create.body;
  EXPECT_EQ(create.json()["error"]["code"], "store_cannot_keep_keys") << create.body;
  const auto revoke = call({"DELETE", "/admin/keys/acme", ""}, bearer(kAdminToken));
  EXPECT_EQ(revoke.status, 409) << revoke.body;
}

TEST_F(AdminAccess, ListingsHideKeysAndDigests) {
  startWithToken();
  ASSERT_EQ(postChat(chatBody("smart"), bearer(kClientKey)).status, 200);

  const std::string digest = accounting::sha256Hex(kClientKey);
  for (const auto& target : {"/admin/spend", "/admin/spend?group_by=key,user,team", "/admin/keys", "/admin/keys/acme",
                             "/admin/config"}) {
    const auto response = call({"GET", target, ""}, bearer(kAdminToken));
    ASSERT_EQ(response.status, 200) << target;
    EXPECT_EQ(response.body.find(kClientKey), std::string::npos) << target << ": " << response.body;
    EXPECT_EQ(response.body.find(digest), std::string::npos) << target << ": " << response.body;
  }
}

TEST_F(AdminAccess, ProbesStayOpenWhenATokenIsSet) {
  startWithToken();
  for (const auto port : {gateway_->publicPort(), gateway_->adminPort()}) {
    EXPECT_EQ(get(port, "/healthz").status, 200);
    EXPECT_EQ(get(port, "/readyz").status, 200);
  }
}

TEST_F(AdminAccess, NoTokenOnLoopbackWarns) {
  startGateway();

  EXPECT_EQ(adminGet("/admin/keys").status, 200);
  EXPECT_NE(gateway_->logText().find("admin"), std::string::npos);
  EXPECT_NE(gateway_->logText().find("no admin token"), std::string::npos) << gateway_->logText();
}

}  // namespace
}  // namespace pointsman::test
