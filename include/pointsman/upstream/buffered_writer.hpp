#pragma once

#include <pointsman/http/response_writer.hpp>

#include <string>

namespace pointsman::upstream {

/// A client that keeps the whole answer instead of sending it: fan-out collects each deployment's
/// answer this way before choosing or merging. It takes complete responses only; a stream start
/// is refused like a client that left.
class BufferedWriter final : public http::ResponseWriter {
 public:
  boost::asio::awaitable<bool> sendResponse(unsigned status, http::HeaderList headers, std::string body) override;
  boost::asio::awaitable<bool> startStream(unsigned status, http::HeaderList headers) override;
  boost::asio::awaitable<bool> sendStreamData(std::string_view bytes) override;
  boost::asio::awaitable<bool> endStream() override;
  [[nodiscard]] bool headersSent() const override { return false; }
  [[nodiscard]] bool clientGone() const override { return false; }
  void setDisconnectHandler(std::function<void()>) override {}

  [[nodiscard]] bool answered() const { return answered_; }
  [[nodiscard]] unsigned status() const { return status_; }
  [[nodiscard]] const http::HeaderList& headers() const { return headers_; }
  [[nodiscard]] const std::string& body() const { return body_; }

 private:
  bool answered_ = false;
  unsigned status_ = 0;
  http::HeaderList headers_;
  std::string body_;
};

}  // namespace pointsman::upstream
