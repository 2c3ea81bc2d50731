#include "support/config_builder.hpp"

namespace pointsman::test {
namespace {

std::string joinFields(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& field : fields) {
    if (!out.empty()) out += ", ";
    out += field;
  }
  return out;
}

}  // namespace

ConfigBuilder& ConfigBuilder::serverField(std::string field) {
  serverFields_.push_back(std::move(field));
  return *this;
}

ConfigBuilder& ConfigBuilder::provider(std::string name, std::string baseUrl, std::string fields) {
  // Fields that start with their own `type:` replace the default.
  std::string entry = fields.rfind("type:", 0) == 0 ? std::string() : "type: openai, ";
  entry += "base_url: \"" + baseUrl + "\"";
  if (!fields.empty()) entry += ", " + fields;
  providers_.emplace_back(std::move(name), std::move(entry));
  return *this;
}

ConfigBuilder& ConfigBuilder::deployment(std::string name, std::string provider, std::string model,
                                         std::string fields) {
  std::string entry = "provider: " + provider + ", model: " + model;
  if (!fields.empty()) entry += ", " + fields;
  deployments_.emplace_back(std::move(name), std::move(entry));
  return *this;
}

ConfigBuilder& ConfigBuilder::route(std::string name, std::vector<std::string> use) {
  routes_.emplace_back(std::move(name), "use: [" + joinFields(use) + "]");
  return *this;
}

ConfigBuilder& ConfigBuilder::routeEntry(std::string name, std::string fields) {
  routes_.emplace_back(std::move(name), std::move(fields));
  return *this;
}

ConfigBuilder& ConfigBuilder::telemetryField(std::string field) {
  telemetryFields_.push_back(std::move(field));
  return *this;
}

ConfigBuilder& ConfigBuilder::rawBlock(std::string yaml) {
  rawBlocks_.push_back(std::move(yaml));
  return *this;
}

ConfigBuilder& ConfigBuilder::auth(std::string mode) {
  auth_ = std::move(mode);
  return *this;
}

std::string ConfigBuilder::yaml() const {
  std::vector<std::string> server{"listen: \"127.0.0.1:0\"", "admin_listen: \"127.0.0.1:0\""};
  server.insert(server.end(), serverFields_.begin(), serverFields_.end());

  std::string out = "server: { " + joinFields(server) + " }\n";
  out += "auth: " + auth_ + "\n";
  out += "providers:\n";
  for (const auto& [name, entry] : providers_) out += "  " + name + ": { " + entry + " }\n";
  out += "models:\n";
  for (const auto& [name, entry] : deployments_) out += "  " + name + ": { " + entry + " }\n";
  out += "routes:\n";
  for (const auto& [name, entry] : routes_) out += "  " + name + ": { " + entry + " }\n";
  if (!telemetryFields_.empty()) out += "telemetry: { " + joinFields(telemetryFields_) + " }\n";
  for (const auto& block : rawBlocks_) out += block + "\n";
  return out;
}

}  // namespace pointsman::test
