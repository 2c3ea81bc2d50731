#pragma once

#include <pointsman/http/listener.hpp>
#include <pointsman/http/maybe_tls_stream.hpp>

#include "http/lazy_deadline.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <memory>
#include <span>

namespace pointsman::http {

class MessageParser;

/// One client connection: reads requests one after another (keep-alive), enforces the size and
/// time limits, and hands each complete request to the handler together with itself as the
/// ResponseWriter.
class ServerSession : public ResponseWriter, public std::enable_shared_from_this<ServerSession> {
 public:
  ServerSession(MaybeTlsStream stream, Listener& listener, const RequestHandler& handler,
                const ConnectionLimits& limits, ConnectionBudget& budget);
  ~ServerSession() override;

  boost::asio::awaitable<void> run();

  /// Closes the connection if it is waiting for its next request (drain on SIGTERM).
  void closeIfIdle();

  boost::asio::awaitable<bool> sendResponse(unsigned status, HeaderList headers,
                                            std::string body) override;
  boost::asio::awaitable<bool> sendResponseViews(unsigned status, std::span<const HeaderView> headers,
                                                 std::string body) override;
  boost::asio::awaitable<bool> startStream(unsigned status, HeaderList headers) override;
  boost::asio::awaitable<bool> sendStreamData(std::string_view bytes) override;
  boost::asio::awaitable<bool> endStream() override;
  [[nodiscard]] bool headersSent() const override { return headers_sent_; }
  [[nodiscard]] bool clientGone() const override { return client_gone_ || watch_->gone; }
  void setDisconnectHandler(std::function<void()> on_disconnect) override;

 private:
  struct DisconnectWatch {
    bool gone = false;
    bool active = false;
    char probe = 0;  // the peeked byte, which stays in the socket
    std::function<void()> on_disconnect;
  };

  boost::asio::awaitable<bool> readNextRequest(IncomingRequest& request);
  boost::asio::awaitable<bool> waitForRequestStart();
  /// Sends `100 Continue` when the request expects it. Returns false when the client is gone.
  boost::asio::awaitable<bool> continueIfExpected(const MessageParser& header);
  /// Sends 413; `declared_bytes` is the client's Content-Length, empty for a chunked body.
  boost::asio::awaitable<void> sendBodyTooLarge(std::string declared_bytes);
  boost::asio::awaitable<void> sendLimitError(unsigned status, const std::string& message,
                                              const char* code);
  void startDisconnectWatch();
  void stopDisconnectWatch();
  /// Sends a whole response. `Headers` is a HeaderList or a span of HeaderView, taken by value so
  /// that the list lives in the coroutine's frame.
  template <class Headers>
  boost::asio::awaitable<bool> sendWhole(unsigned status, Headers headers, std::string body);
  using ConstBufferSpan = std::span<const boost::asio::const_buffer>;
  /// Sends what the socket takes without waiting. Returns true when nothing is left to send,
  /// because all of `wire` went out or the client is gone; `sent` gets the bytes sent.
  bool sendAtOnce(ConstBufferSpan wire, std::size_t& sent);
  /// Sends `wire` from byte `sent` on under the write timeout; false when the client is gone.
  boost::asio::awaitable<bool> sendRemainder(ConstBufferSpan wire, std::size_t sent);

  MaybeTlsStream stream_;
  Listener& listener_;
  const RequestHandler& handler_;
  const ConnectionLimits& limits_;
  ConnectionBudget& budget_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<DisconnectWatch> watch_ = std::make_shared<DisconnectWatch>();

  std::string remote_address_;
  bool idle_ = false;
  /// The idle timeout between requests, which the stream's own timeout would enforce at a
  /// higher cost per request.
  LazyDeadline idle_deadline_;
  bool close_after_response_ = false;
  bool headers_sent_ = false;
  bool client_gone_ = false;
  unsigned request_version_ = 11;
};

}  // namespace pointsman::http
