#include "sim/messages_validation.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace pointsman::sim {
namespace {

using nlohmann::json;

std::optional<std::string> checkBlocks(const json& content, const std::string& path,
                                       const std::set<std::string>& openToolIds,
                                       std::set<std::string>& toolUseIds) {
  if (content.is_string()) {
    if (content.get_ref<const std::string&>().empty()) {
      return path + ": text content blocks must be non-empty";
    }
    return std::nullopt;
  }
  if (!content.is_array() || content.empty()) {
    return path + ": content must be a non-empty string or array";
  }
  for (std::size_t i = 0; i < content.size(); ++i) {
    const auto& block = content[i];
    const std::string blockPath = path + "." + std::to_string(i);
    const std::string type = block.is_object() ? block.value("type", "") : "";
    if (type == "text") {
      const auto text = block.find("text");
      if (text == block.end() || !text->is_string() || text->get_ref<const std::string&>().empty()) {
        return blockPath + ": text content blocks must be non-empty";
      }
    } else if (type == "tool_use") {
      toolUseIds.insert(block.value("id", ""));
    } else if (type == "tool_result") {
      if (openToolIds.count(block.value("tool_use_id", "")) == 0) {
        return blockPath + ": unexpected `tool_use_id` found in `tool_result` blocks";
      }
    } else if (type != "image" && type != "document" && type != "thinking") {
      return blockPath + ": unknown content block type '" + type + "'";
    }
  }
  return std::nullopt;
}

std::optional<std::string> checkSystem(const json& body) {
  const auto system = body.find("system");
  if (system == body.end() || system->is_null()) {
    return std::nullopt;
  }
  std::set<std::string> none;
  std::set<std::string> ignored;
  return checkBlocks(*system, "system", none, ignored);
}

}  // namespace

std::optional<std::string> findMessagesRequestError(const json& body) {
  const auto model = body.find("model");
  if (model == body.end() || !model->is_string() || model->get_ref<const std::string&>().empty()) {
    return "model: Field required";
  }
  const auto maxTokens = body.find("max_tokens");
  if (maxTokens == body.end() || !maxTokens->is_number_integer() || maxTokens->get<long long>() < 1) {
    return "max_tokens: Field required";
  }
  const auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array() || messages->empty()) {
    return "messages: at least one message is required";
  }
  if (auto error = checkSystem(body)) {
    return error;
  }

  std::string expectedRole = "user";
  std::set<std::string> previousToolUses;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const auto& message = (*messages)[i];
    const std::string path = "messages." + std::to_string(i);
    const std::string role = message.is_object() ? message.value("role", "") : "";
    if (role != expectedRole) {
      return path + ": roles must alternate between \"user\" and \"assistant\", starting with \"user\"";
    }
    std::set<std::string> toolUses;
    const auto content = message.is_object() ? message.value("content", json()) : json();
    if (auto error = checkBlocks(content, path + ".content", previousToolUses, toolUses)) {
      return error;
    }
    previousToolUses = std::move(toolUses);
    expectedRole = role == "user" ? "assistant" : "user";
  }
  return std::nullopt;
}

}  // namespace pointsman::sim
