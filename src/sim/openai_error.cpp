#include "sim/openai_error.hpp"

#include <nlohmann/json.hpp>

namespace pointsman::sim {

std::string_view errorTypeForStatus(int status) {
  switch (status) {
    case 400:
    case 404:
    case 405:
    case 413:
    case 422:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 429:
      return "rate_limit_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

std::string makeErrorBody(std::string_view message, std::string_view type, std::string_view param,
                          std::string_view code) {
  nlohmann::json error = {{"message", message}, {"type", type}, {"param", nullptr},
                          {"code", nullptr}};
  if (!param.empty()) {
    error["param"] = param;
  }
  if (!code.empty()) {
    error["code"] = code;
  }
  return nlohmann::json{{"error", std::move(error)}}.dump();
}

}  // namespace pointsman::sim
