#include <pointsman/api/anthropic/messages_error_writer.hpp>

#include <pointsman/api/anthropic/messages_response.hpp>

#include <nlohmann/json.hpp>

namespace pointsman::api::anthropic {
namespace asio = boost::asio;

std::string toMessagesStreamData(std::string_view bytes) {
  constexpr std::string_view kErrorStart = "data: {\"error\"";
  if (!bytes.starts_with(kErrorStart)) return std::string(bytes);

  auto data = bytes.substr(6);
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.remove_suffix(1);
  const auto parsed = nlohmann::json::parse(data, nullptr, false);
  unsigned status = 500;
  if (parsed.is_object() && parsed["error"].is_object()) {
    const auto& error = parsed["error"];
    if (error.contains("status") && error["status"].is_number_unsigned()) status = error["status"].get<unsigned>();
  }
  return "event: error\ndata: " + toMessagesErrorBody(status, data) + "\n\n";
}

asio::awaitable<bool> MessagesErrorWriter::sendResponse(unsigned status, http::HeaderList headers, std::string body) {
  if (status >= 400) body = toMessagesErrorBody(status, body);
  co_return co_await inner_.sendResponse(status, std::move(headers), std::move(body));
}

asio::awaitable<bool> MessagesErrorWriter::startStream(unsigned status, http::HeaderList headers) {
  co_return co_await inner_.startStream(status, std::move(headers));
}

asio::awaitable<bool> MessagesErrorWriter::sendStreamData(std::string_view bytes) {
  if (!bytes.starts_with("data: {\"error\"")) {
    const bool sent = co_await inner_.sendStreamData(bytes);
    co_return sent;
  }
  const auto translated = toMessagesStreamData(bytes);
  co_return co_await inner_.sendStreamData(translated);
}

asio::awaitable<bool> MessagesErrorWriter::endStream() { co_return co_await inner_.endStream(); }

}  // namespace pointsman::api::anthropic
