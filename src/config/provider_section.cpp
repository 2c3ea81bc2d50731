// The `providers:` section.

#include <pointsman/telemetry/redact.hpp>

#include "config/file_reading.hpp"
#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace pointsman::config {

namespace {

constexpr std::array<std::string_view, 18> kProviderKeys = {
    "type",         "base_url",    "api_key",          "api_key_file",         "headers",
    "forward_headers", "tags",     "ca_file",          "timeouts",             "max_idle_connections",
    "max_response_bytes", "api_keys", "health_check",  "api_version",          "auth",
    "client_cert_file", "client_key_file", "proxy"};
constexpr std::array<std::string_view, 2> kPoolKeyEntryKeys = {"key", "weight"};
constexpr std::array<std::string_view, 5> kTimeoutKeys = {
    "connect_ms", "response_headers_ms", "first_token_ms", "idle_ms", "total_ms"};
constexpr std::string_view kProviderTypes = "openai, anthropic, azure_openai";

bool isProviderName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_' || c == '.' || c == '-';
  });
}

// An HTTP field name is a token (RFC 9110, section 5.6.2).
bool isHeaderName(std::string_view name) {
  constexpr std::string_view kTokenSymbols = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](unsigned char c) {
    return std::isalnum(c) != 0 || kTokenSymbols.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::string toLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

void readType(const MapReader& reader, ProviderType& type) {
  std::string text;
  if (!reader.has("type")) {
    reader.context().error(reader.pathOf("type"),
                           "missing; supported values: " + std::string(kProviderTypes));
    return;
  }
  if (!reader.read("type", text)) {
    return;
  }

  if (text == "openai") {
    type = ProviderType::OpenAi;
  } else if (text == "anthropic") {
    type = ProviderType::Anthropic;
  } else if (text == "azure_openai") {
    type = ProviderType::AzureOpenAi;
  } else {
    reader.context().error(reader.pathOf("type"), "unsupported value \"" + text +
                                                      "\"; supported values: " +
                                                      std::string(kProviderTypes));
  }
}

// Returns "" when `url` is an absolute http(s) URL with a host and without query or fragment.
std::string checkBaseUrl(std::string_view url) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return "must start with http:// or https://";
  }

  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.empty() || authority.front() == ':') {
    return "has no host";
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return "must not contain a query or fragment";
  }
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) {
    return "must not contain whitespace";
  }
  return "";
}

void readBaseUrl(const MapReader& reader, std::string& out) {
  if (!reader.has("base_url")) {
    reader.context().error(reader.pathOf("base_url"),
                           "missing; set the API root, e.g. https://api.openai.com/v1");
    return;
  }
  std::string url;
  if (!reader.read("base_url", url)) {
    return;
  }
  if (const std::string problem = checkBaseUrl(url); !problem.empty()) {
    // The URL is masked: a rejected URL may still carry a key in its query or user part.
    reader.context().error(reader.pathOf("base_url"), "invalid URL \"" + telemetry::redactUrl(url) + "\": " + problem);
    return;
  }

  // Paths are appended with a leading '/', so a trailing one would double it.
  while (url.ends_with('/')) {
    url.pop_back();
  }
  out = std::move(url);
}

std::string trimTrailingWhitespace(std::string text) {
  const std::size_t end = text.find_last_not_of(" \t\r\n\f\v");
  text.erase(end == std::string::npos ? 0 : end + 1);
  return text;
}

// Returns how to enable the provider should the key be empty, e.g. "set OPENAI_API_KEY to enable
// it", or nullopt when the key could not be read at all (already reported as an error).
std::optional<std::string> readApiKey(const MapReader& reader, ProviderConfig& provider) {
  const bool hasKey = reader.has("api_key");
  const bool hasFile = reader.has("api_key_file");
  provider.api_key_configured = hasKey || hasFile;
  if (hasKey && hasFile) {
    reader.context().error(reader.pathOf("api_key_file"),
                           "cannot be used together with api_key; set only one of them");
    return std::nullopt;
  }

  if (hasKey) {
    std::vector<std::string> variables;
    std::optional<std::string> key =
        readString(reader.child("api_key"), reader.pathOf("api_key"), reader.context(), &variables);
    if (!key) {
      return std::nullopt;
    }
    provider.api_key = Secret(std::move(*key));
    return variables.empty() ? "" : "set " + joinNames(variables) + " to enable it";
  }

  if (!hasFile) {
    return "";
  }
  if (!reader.read("api_key_file", provider.api_key_file)) {
    return std::nullopt;
  }
  const FileText file = readFileText(provider.api_key_file);
  if (!file.text) {
    reader.context().error(reader.pathOf("api_key_file"), "cannot read \"" +
                                                              provider.api_key_file +
                                                              "\": " + file.failure);
    return std::nullopt;
  }
  provider.api_key = Secret(trimTrailingWhitespace(*file.text));
  return "write the key into " + provider.api_key_file + " to enable it";
}

// Reads `api_keys:`, a list of `{ key, weight }`. Returns the enable hint like readApiKey().
std::optional<std::string> readApiKeyPool(const MapReader& reader, ProviderConfig& provider) {
  LoadContext& context = reader.context();
  const std::string path = reader.pathOf("api_keys");
  provider.api_key_configured = true;
  if (reader.has("api_key") || reader.has("api_key_file")) {
    context.error(path, "cannot be used together with api_key or api_key_file; set only one of them");
    return std::nullopt;
  }
  const YAML::Node list = reader.child("api_keys");
  if (!list.IsSequence() || list.size() == 0) {
    context.error(path, "expected a non-empty list of { key, weight } entries");
    return std::nullopt;
  }

  std::vector<std::string> variables;
  for (std::size_t index = 0; index < list.size(); ++index) {
    const std::string entry_path = path + "[" + std::to_string(index) + "]";
    const MapReader entry(list[index], entry_path, kPoolKeyEntryKeys, context);
    if (!entry.isMap()) {
      context.error(entry_path, "expected a map such as { key: \"${OPENAI_KEY_1}\", weight: 1 }");
      continue;
    }
    if (!entry.has("key")) {
      context.error(entry.pathOf("key"), "missing; give the API key, usually as \"${VARIABLE}\"");
      continue;
    }
    std::optional<std::string> key = readString(entry.child("key"), entry.pathOf("key"), context, &variables);
    double weight = 1.0;
    entry.read("weight", weight, Bound::Positive);
    // An empty key is left out like an empty api_key disables a provider: not exported yet.
    if (key && !key->empty()) provider.api_keys.push_back({Secret(std::move(*key)), weight});
  }
  return variables.empty() ? "" : "set " + joinNames(variables) + " to enable it";
}

void readHeaders(const MapReader& reader, std::map<std::string, Secret>& out) {
  if (!reader.has("headers")) {
    return;
  }
  LoadContext& context = reader.context();
  forEachEntry(reader.child("headers"), reader.pathOf("headers"), context,
               [&](const std::string& name, const YAML::Node& value, const std::string& path) {
                 if (!isHeaderName(name)) {
                   context.error(path, "invalid header name; use letters, digits and !#$%&'*+-.^_`|~");
                   return;
                 }
                 std::optional<std::string> text = readString(value, path, context);
                 if (!text) {
                   return;
                 }
                 // A line break would let the value start a second header or end the request head.
                 if (text->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
                   context.error(path, "header value must not contain CR, LF or NUL");
                   return;
                 }
                 out[name] = Secret(std::move(*text));
               });
}

void readForwardHeaders(const MapReader& reader, std::vector<std::string>& out) {
  if (!reader.has("forward_headers")) {
    return;
  }
  const std::string path = reader.pathOf("forward_headers");
  std::optional<std::vector<std::string>> names =
      readStringList(reader.child("forward_headers"), path, reader.context());
  if (!names) {
    return;
  }
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string& name = (*names)[i];
    if (!isHeaderName(name)) {
      reader.context().error(indexPath(path, i), "invalid header name \"" + name + "\"");
      continue;
    }
    out.push_back(toLower(name));
  }
}

void readTimeouts(const MapReader& provider, UpstreamTimeouts& timeouts) {
  if (!provider.has("timeouts")) {
    return;
  }
  const MapReader reader(provider.child("timeouts"), provider.pathOf("timeouts"), kTimeoutKeys,
                         provider.context());
  reader.read("connect_ms", timeouts.connect, Bound::NonNegative);
  reader.read("response_headers_ms", timeouts.response_headers, Bound::NonNegative);
  reader.read("first_token_ms", timeouts.first_token, Bound::NonNegative);
  reader.read("idle_ms", timeouts.idle, Bound::NonNegative);
  reader.read("total_ms", timeouts.total, Bound::NonNegative);
}

void readCaFile(const MapReader& reader, std::string& out) {
  if (!reader.read("ca_file", out)) {
    return;
  }
  if (const std::string problem = checkReadableFile(out); !problem.empty()) {
    reader.context().error(reader.pathOf("ca_file"), problem);
  }
}

void readClientCertificate(const MapReader& reader, ProviderConfig& provider) {
  for (const auto* key : {"client_cert_file", "client_key_file"}) {
    std::string& out = std::string_view(key) == "client_cert_file" ? provider.client_cert_file : provider.client_key_file;
    if (!reader.read(key, out)) continue;
    if (const std::string problem = checkReadableFile(out); !problem.empty()) reader.context().error(reader.pathOf(key), problem);
  }
  if (provider.client_cert_file.empty() != provider.client_key_file.empty()) {
    reader.context().error(reader.pathOf(provider.client_cert_file.empty() ? "client_cert_file" : "client_key_file"),
                           "missing; a client certificate needs both client_cert_file and client_key_file");
  }
}

void readProxy(const MapReader& reader, std::string& out) {
  if (!reader.read("proxy", out) || out.empty() || out == "none") return;
  // A proxy with credentials is not supported, so the address is not secret and can be quoted.
  if (!out.starts_with("http://") || !checkBaseUrl(out).empty() || out.find('@') != std::string::npos) {
    reader.context().error(reader.pathOf("proxy"),
                           "expected an http://host:port proxy address or none, got \"" + out + "\"");
  }
}

// Reads `api_version` and `auth`, which only `anthropic` and `azure_openai` providers use.
void readApiVersionAndAuth(const MapReader& reader, ProviderConfig& provider) {
  if (provider.type == ProviderType::OpenAi && reader.has("api_version")) {
    reader.context().error(reader.pathOf("api_version"), "only anthropic and azure_openai providers take an api_version");
  }
  reader.read("api_version", provider.api_version);
  if (provider.api_version.empty() && provider.type == ProviderType::Anthropic) provider.api_version = "2023-06-01";
  if (provider.api_version.empty() && provider.type == ProviderType::AzureOpenAi) provider.api_version = "2024-10-21";

  std::string auth;
  if (!reader.read("auth", auth)) {
    return;
  }
  if (provider.type != ProviderType::AzureOpenAi) {
    reader.context().error(reader.pathOf("auth"), "only azure_openai providers take auth");
  } else if (auth == "bearer" || auth == "api_key") {
    provider.bearer_auth = auth == "bearer";
  } else {
    reader.context().error(reader.pathOf("auth"), "unsupported value \"" + auth + "\"; supported values: api_key, bearer");
  }
}

void parseProvider(const std::string& name, const YAML::Node& node, const std::string& path,
                   LoadContext& context, ProviderConfig& provider) {
  provider.name = name;
  if (!isProviderName(name)) {
    context.error(path, "invalid provider name; use letters, digits, '_', '.' and '-'");
  }

  const MapReader reader(node, path, kProviderKeys, context);
  if (!reader.isMap() && !isEmptyValue(node)) {
    return;
  }
  readType(reader, provider.type);
  readBaseUrl(reader, provider.base_url);
  const std::optional<std::string> enableHint =
      reader.has("api_keys") ? readApiKeyPool(reader, provider) : readApiKey(reader, provider);
  readHeaders(reader, provider.headers);
  readForwardHeaders(reader, provider.forward_headers);
  reader.read("tags", provider.tags);
  readCaFile(reader, provider.ca_file);
  readClientCertificate(reader, provider);
  readProxy(reader, provider.proxy);
  readTimeouts(reader, provider.timeouts);
  reader.read("max_idle_connections", provider.max_idle_connections, Bound::NonNegative);
  reader.read("max_response_bytes", provider.max_response_bytes, Bound::Positive);
  readHealthCheck(reader, provider.health_check);
  readApiVersionAndAuth(reader, provider);

  // An empty key usually means the operator has not exported it yet. The other providers
  // should still serve, so this is a warning and not an error.
  if (provider.api_key_configured && enableHint && provider.api_key.empty() && provider.api_keys.empty()) {
    provider.enabled = false;
    std::string warning = "provider \"" + name + "\" disabled: its api_key is empty";
    if (!enableHint->empty()) {
      warning += " (" + *enableHint + ")";
    }
    context.warn(std::move(warning));
  }
}

}  // namespace

void parseProviders(const YAML::Node& node, LoadContext& context,
                    std::map<std::string, ProviderConfig>& providers) {
  forEachEntry(node, "providers", context,
               [&](const std::string& name, const YAML::Node& value, const std::string& path) {
                 parseProvider(name, value, path, context, providers[name]);
               });
}

}  // namespace pointsman::config
