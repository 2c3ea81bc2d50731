#include <pointsman/http/error_body.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::http {

std::string openAiErrorBody(std::string_view message, std::string_view type, std::string_view param,
                            std::string_view code) {
  nlohmann::ordered_json error = {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}};
  if (!param.empty()) error["param"] = param;
  if (!code.empty()) error["code"] = code;
  return nlohmann::ordered_json{{"error", std::move(error)}}.dump(-1, ' ', false,
                                                          nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace pointsman::http
