#pragma once

#include <pointsman/http/response_writer.hpp>

namespace pointsman::api::anthropic {

/// Wraps the client's writer on the Anthropic front door, so every error the gateway writes in
/// the OpenAI shape reaches the client in the Anthropic shape: an error response body, and an
/// in-band `data: {"error":...}` stream event, which becomes an `event: error` event. Everything
/// else passes unchanged, because the executor already writes successful answers in the
/// client's format.
class MessagesErrorWriter : public http::ResponseWriter {
 public:
  explicit MessagesErrorWriter(http::ResponseWriter& inner) : inner_(inner) {}

  boost::asio::awaitable<bool> sendResponse(unsigned status, http::HeaderList headers, std::string body) override;
  boost::asio::awaitable<bool> startStream(unsigned status, http::HeaderList headers) override;
  boost::asio::awaitable<bool> sendStreamData(std::string_view bytes) override;
  boost::asio::awaitable<bool> endStream() override;
  [[nodiscard]] bool headersSent() const override { return inner_.headersSent(); }
  [[nodiscard]] bool clientGone() const override { return inner_.clientGone(); }
  void setDisconnectHandler(std::function<void()> on_disconnect) override {
    inner_.setDisconnectHandler(std::move(on_disconnect));
  }

 private:
  http::ResponseWriter& inner_;
};

/// Rewrites one in-band OpenAI error event (`data: {"error":...}`) as an Anthropic `error` event;
/// returns other bytes unchanged.
std::string toMessagesStreamData(std::string_view bytes);

}  // namespace pointsman::api::anthropic
