#include <pointsman/route/cascade_acceptance.hpp>

#include <pointsman/analyze/answer_scorer.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace pointsman::route {

namespace {

/// Openings that refuse. Only the first 200 characters are searched, because a long answer that
/// quotes one of these is not a refusal.
constexpr std::array<std::string_view, 12> kRefusalPhrases = {
    "i can't help",       "i cannot help",      "i can't assist",   "i cannot assist",
    "i'm sorry, but i",   "i am sorry, but i",  "i won't be able",  "i'm unable to",
    "i am unable to",     "as an ai language",  "i cannot provide", "i can't provide",
};

std::string lowerPrefix(std::string_view text, std::size_t length) {
  std::string lower(text.substr(0, std::min(length, text.size())));
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  // Curly apostrophes are common in model output.
  for (std::size_t at = lower.find("\xE2\x80\x99"); at != std::string::npos; at = lower.find("\xE2\x80\x99")) {
    lower.replace(at, 3, "'");
  }
  return lower;
}

std::string formatScore(double score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", score);
  return text;
}

}  // namespace

bool looksLikeRefusal(std::string_view text) {
  const auto lower = lowerPrefix(text, 200);
  return std::any_of(kRefusalPhrases.begin(), kRefusalPhrases.end(),
                     [&lower](std::string_view phrase) { return lower.find(phrase) != std::string::npos; });
}

std::optional<std::string> rejectReason(const config::CascadeChecksConfig& checks, const AcceptanceContext& context,
                                        std::string_view completion_body, std::string_view model) {
  const auto completion = nlohmann::json::parse(completion_body, nullptr, false);
  if (!completion.is_object()) return "answer is not JSON";
  const auto choices = completion.find("choices");
  if (choices == completion.end() || !choices->is_array() || choices->empty()) return "no choices";

  const auto& choice = (*choices)[0];
  const auto message = choice.value("message", nlohmann::json::object());
  const auto content = message.value("content", nlohmann::json());
  const std::string text = content.is_string() ? content.get<std::string>() : std::string();
  const bool has_tool_calls = message.contains("tool_calls") && !message["tool_calls"].empty();
  const std::string finish_reason = choice.value("finish_reason", nlohmann::json()).is_string()
                                        ? choice["finish_reason"].get<std::string>()
                                        : std::string();

  if (checks.non_empty && text.find_first_not_of(" \t\r\n") == std::string::npos && !has_tool_calls) {
    return "empty answer";
  }
  if (checks.finish_reason_stop && finish_reason != "stop" && finish_reason != "tool_calls") {
    return "finish_reason=" + (finish_reason.empty() ? std::string("none") : finish_reason);
  }
  if (checks.not_refusal && looksLikeRefusal(text)) return "refusal";
  if (checks.valid_json_in_json_mode && context.json_mode && !nlohmann::json::accept(text)) {
    return "answer is not valid JSON in JSON mode";
  }
  if (checks.min_score) {
    if (!context.scorer) return "no answer scorer loaded for min_score";
    const double score = context.scorer->score(context.prompt, text, model);
    if (score < *checks.min_score) return "score=" + formatScore(score) + "<" + formatScore(*checks.min_score);
  }
  return std::nullopt;
}

}  // namespace pointsman::route
