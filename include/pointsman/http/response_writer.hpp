#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pointsman::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// A response header whose name and value are stored elsewhere.
using HeaderView = std::pair<std::string_view, std::string_view>;

/// Copies `views` into a list that owns its strings, in the same order.
HeaderList headerListOf(std::span<const HeaderView> views);

/// The client side of one request, as a handler sees it: either one complete response, or the
/// headers of a chunked stream followed by data pieces, each written and flushed at once.
/// Every call returns false once the client is gone; the handler then stops.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  /// Sends a whole response; Content-Length is computed from `body`.
  virtual boost::asio::awaitable<bool> sendResponse(unsigned status, HeaderList headers,
                                                    std::string body) = 0;

  /// Sends a whole response like sendResponse, with headers that stay valid until the call
  /// completes. This version copies them into a HeaderList. The server session writes them
  /// straight into the response head, which spares the relay's success path a string copy per
  /// header.
  virtual boost::asio::awaitable<bool> sendResponseViews(unsigned status, std::span<const HeaderView> headers,
                                                         std::string body);

  /// Sends the headers of a chunked response (Transfer-Encoding: chunked, no Content-Length).
  virtual boost::asio::awaitable<bool> startStream(unsigned status, HeaderList headers) = 0;

  /// Writes one chunk and flushes it.
  virtual boost::asio::awaitable<bool> sendStreamData(std::string_view bytes) = 0;

  /// Writes the last chunk.
  virtual boost::asio::awaitable<bool> endStream() = 0;

  [[nodiscard]] virtual bool headersSent() const = 0;
  [[nodiscard]] virtual bool clientGone() const = 0;

  /// Registers the function to call, once, if the client disconnects while the handler runs;
  /// it is how an upstream call is cancelled at once. Passing an empty function clears it.
  virtual void setDisconnectHandler(std::function<void()> on_disconnect) = 0;
};

}  // namespace pointsman::http
