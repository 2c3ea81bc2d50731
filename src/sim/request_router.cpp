#include "sim/request_router.hpp"

#include "sim/completion_endpoint.hpp"
#include "sim/embedding_endpoint.hpp"
#include "sim/messages_endpoint.hpp"
#include "sim/request_fields.hpp"

#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <ctime>
#include <random>

namespace pointsman::sim {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kChatPath = "/v1/chat/completions";
constexpr std::string_view kCompletionsPath = "/v1/completions";
constexpr std::string_view kEmbeddingsPath = "/v1/embeddings";
constexpr std::string_view kModelsPath = "/v1/models";
constexpr std::string_view kHealthPath = "/healthz";
constexpr std::string_view kMessagesPath = "/v1/messages";
constexpr std::string_view kCountTokensPath = "/v1/messages/count_tokens";
constexpr std::string_view kAzurePrefix = "/openai/deployments/";

/// For an Azure OpenAI path `/openai/deployments/{deployment}/{operation}`, stores the deployment
/// and returns the OpenAI path of the operation, e.g. "/v1/chat/completions"; else nothing.
std::optional<std::string> azureOperation(std::string_view path, std::string& deployment) {
  if (!path.starts_with(kAzurePrefix)) return std::nullopt;
  const auto rest = path.substr(kAzurePrefix.size());
  const auto slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  deployment = std::string(rest.substr(0, slash));
  return "/v1" + std::string(rest.substr(slash));
}

std::string buildModelsBody(const SimConfig& config) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& [name, profile] : config.models) {
    data.push_back({{"id", name}, {"object", "model"}, {"created", 0},
                    {"owned_by", "pointsman-sim"}});
  }
  return nlohmann::json{{"object", "list"}, {"data", std::move(data)}}.dump();
}

template <typename Number>
bool parseHeaderNumber(std::string_view text, Number min, Number max, Number& value) {
  Number parsed{};
  const char* end = text.data() + text.size();
  const auto [position, error] = std::from_chars(text.data(), end, parsed);
  if (error != std::errc{} || position != end || parsed < min || parsed > max) {
    return false;
  }
  value = parsed;
  return true;
}

/// Applies the `x-sim-*` profile headers. Returns the name of the first invalid header, if any.
std::optional<std::string> applyProfileHeaders(const HttpRequest& request, ModelProfile& profile) {
  const auto ttft = request["x-sim-ttft-ms"];
  if (!ttft.empty() && !parseHeaderNumber<int>(ttft, 0, 600'000, profile.ttftMs)) {
    return "x-sim-ttft-ms";
  }
  const auto rate = request["x-sim-tokens-per-second"];
  if (!rate.empty() && !parseHeaderNumber<double>(rate, 0, 1e6, profile.tokensPerSecond)) {
    return "x-sim-tokens-per-second";
  }
  const auto length = request["x-sim-answer-tokens"];
  if (!length.empty() && !parseHeaderNumber<int>(length, 1, 1'000'000, profile.answerTokens)) {
    return "x-sim-answer-tokens";
  }
  return std::nullopt;
}

/// Returns the fault reply with its pause, or the normal plan with the pause applied.
ReplyPlan applyFault(const FaultPlan& fault, double timeScale, ReplyPlan normal, bool anthropic = false) {
  auto reply = anthropic ? makeMessagesFaultReply(fault) : makeFaultReply(fault);
  auto plan = reply.value_or(std::move(normal));
  if (fault.stallMs && !fault.stallAfterEvents) {
    plan.stall = scaledDelay(*fault.stallMs, timeScale);
  }
  return plan;
}

std::int64_t unixSeconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

/// Draws the number from 0 to 99 that picks a fault alternative. Each thread has its own
/// generator because route() runs on every event-loop thread.
int drawPercent() {
  thread_local std::minstd_rand generator{std::random_device{}()};
  return std::uniform_int_distribution<int>(0, 99)(generator);
}

}  // namespace

RequestRouter::RequestRouter(SimConfig config)
    : config_(std::move(config)), modelsBody_(buildModelsBody(config_)) {}

ReplyPlan RequestRouter::route(const HttpRequest& request) {
  const auto number = nextNumber_.fetch_add(1, std::memory_order_relaxed);
  auto plan = routeByTarget(request, number);
  plan.requestId = "sim-" + std::to_string(number);
  return plan;
}

ReplyPlan RequestRouter::routeByTarget(const HttpRequest& request, std::uint64_t number) {
  if (auto error = checkFaultList(request["x-sim-fault"])) {
    return makeErrorPlan(400, "x-sim-fault header: " + *error, {}, "invalid_sim_fault");
  }
  const auto headerFaultText = pickFaultAlternative(request["x-sim-fault"], drawPercent());
  const auto headerFault = std::get<FaultPlan>(parseFaultPlan(headerFaultText));

  std::string_view path = request.target();
  path = path.substr(0, path.find('?'));
  const bool isGet = request.method() == http::verb::get;
  const bool isPost = request.method() == http::verb::post;

  if (path == kHealthPath || path == kModelsPath) {
    if (!isGet) {
      auto plan = makeErrorPlan(405, "method not allowed on " + std::string(path) + ", use GET");
      plan.headers.emplace_back("Allow", "GET");
      return plan;
    }
    auto body = path == kHealthPath ? std::string("{\"status\":\"ok\"}") : modelsBody_;
    return applyFault(headerFault, config_.timeScale, makeJsonPlan(std::move(body)));
  }
  std::string azureDeployment;
  const auto azurePath = azureOperation(path, azureDeployment);
  if (azurePath) {
    // Azure rejects a request without api-version or credentials before it looks at the body.
    if (request.target().find("api-version=") == std::string_view::npos) {
      return makeErrorPlan(400, "Missing the api-version query parameter", {}, "BadRequest");
    }
    if (request["api-key"].empty() && request[http::field::authorization].empty()) {
      return makeErrorPlan(401, "Access denied due to a missing api-key header or bearer token", {}, "401");
    }
    path = *azurePath;
  }
  const bool messages = path == kMessagesPath || path == kCountTokensPath;
  if (path != kChatPath && path != kCompletionsPath && path != kEmbeddingsPath && !messages) {
    return makeErrorPlan(404, "unknown path " + std::string(path), {}, "unknown_url");
  }
  if (!isPost) {
    auto plan = makeErrorPlan(405, "method not allowed on " + std::string(path) + ", use POST");
    plan.headers.emplace_back("Allow", "POST");
    return plan;
  }
  if (headerFault.reset || headerFault.status) {
    return applyFault(headerFault, config_.timeScale, {}, messages);
  }
  return planModelRequest(request, path, number, azureDeployment, headerFaultText);
}

ReplyPlan RequestRouter::planModelRequest(const HttpRequest& request, std::string_view path,
                                          std::uint64_t number, const std::string& azureDeployment,
                                          std::string_view headerFaultText) const {
  const bool messages = path == kMessagesPath || path == kCountTokensPath;
  const auto body = nlohmann::json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return makeErrorPlan(400, "the request body is not a valid JSON object", {}, "invalid_json");
  }

  ExchangeContext context;
  if (!azureDeployment.empty()) {
    context.model = azureDeployment;
  } else if (auto error = readModel(body, context.model)) {
    if (messages) return makeMessagesErrorPlan(400, "model: Field required");
    return makeErrorPlan(400, error->message, error->param, "invalid_value");
  }
  context.number = number;
  context.created = unixSeconds();
  context.timeScale = config_.timeScale;
  context.profile = config_.profileFor(context.model);
  if (auto header = applyProfileHeaders(request, context.profile)) {
    return makeErrorPlan(400, "invalid value in header " + *header, {}, "invalid_sim_header");
  }

  // The config loader and routeByTarget validated both lists, but a SimConfig built in code
  // skips the loader.
  const auto modelFaultText = pickFaultAlternative(context.profile.fault, drawPercent());
  const auto combined = std::string(modelFaultText) + ";" + std::string(headerFaultText);
  auto parsedFault = parseFaultPlan(combined);
  if (const auto* error = std::get_if<std::string>(&parsedFault)) {
    spdlog::error("invalid fault list for model {}: {}", context.model, *error);
    return makeErrorPlan(500, "invalid fault list for model " + context.model + ": " + *error);
  }
  context.fault = std::get<FaultPlan>(parsedFault);

  ReplyPlan plan;
  if (path == kCountTokensPath) {
    plan = planCountTokens(body);
  } else if (messages) {
    plan = planMessages(body, context);
  } else if (path == kEmbeddingsPath) {
    plan = planEmbeddings(body, context);
  } else {
    const auto kind = path == kChatPath ? CompletionKind::kChat : CompletionKind::kText;
    plan = planCompletion(kind, body, context);
  }
  return applyFault(context.fault, context.timeScale, std::move(plan), messages);
}

}  // namespace pointsman::sim
