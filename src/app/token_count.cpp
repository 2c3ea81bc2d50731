#include "app/token_count.hpp"

#include <pointsman/analyze/chat_request.hpp>
#include <pointsman/analyze/token_estimator.hpp>
#include <pointsman/api/anthropic/messages_request.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace pointsman::app {

std::variant<std::string, api::ApiError> chatRequestForCounting(std::string_view messages_body) {
  auto request = nlohmann::json::parse(messages_body, nullptr, false);
  if (request.is_object() && !request.contains("max_tokens")) {
    request["max_tokens"] = 1;
    return api::anthropic::toChatRequest(request.dump());
  }
  // Not an object, or max_tokens given: the translation reports what is wrong, if anything.
  return api::anthropic::toChatRequest(messages_body);
}

bool keepAnthropicCandidates(route::Plan& plan) {
  const auto is_anthropic = [](const route::Candidate& candidate) {
    return candidate.provider->type == config::ProviderType::Anthropic;
  };
  if (plan.candidates.empty() || !is_anthropic(plan.candidates.front())) return false;
  std::erase_if(plan.candidates, [&is_anthropic](const route::Candidate& candidate) { return !is_anthropic(candidate); });
  return true;
}

std::string estimatedCountBody(std::string_view chat_body) {
  const auto request = analyze::extractChatRequest(chat_body);
  const std::int64_t tokens = request ? analyze::estimatePromptTokens(*request) : 0;
  return nlohmann::json{{"input_tokens", tokens}}.dump();
}

boost::asio::awaitable<void> sendEstimatedCount(http::ResponseWriter& writer, http::HeaderList headers,
                                                std::string_view chat_body) {
  headers.emplace_back("content-type", "application/json");
  headers.emplace_back(std::string(kTokenCountHeader), "estimate");
  co_await writer.sendResponse(200, std::move(headers), estimatedCountBody(chat_body));
}

}  // namespace pointsman::app
