#pragma once

// A stream that is either plain TCP or TLS over TCP, decided at run time. Beast's HTTP algorithms
// take it like any other stream, so the server session and the upstream connection are written
// once instead of being templates instantiated twice. Included only by .cpp files that run Beast
// operations; it is not part of any public header.

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <memory>
#include <optional>
#include <utility>

namespace pointsman::http {

using ErrorCode = boost::system::error_code;

class MaybeTlsStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  explicit MaybeTlsStream(boost::beast::tcp_stream plain) : plain_(std::move(plain)) {}
  MaybeTlsStream(boost::beast::tcp_stream plain, boost::asio::ssl::context& tls_context)
      : tls_(std::make_unique<boost::beast::ssl_stream<boost::beast::tcp_stream>>(std::move(plain),
                                                                                  tls_context)) {}

  executor_type get_executor() { return tcp().get_executor(); }

  [[nodiscard]] bool isTls() const { return tls_ != nullptr; }
  boost::beast::ssl_stream<boost::beast::tcp_stream>& tls() { return *tls_; }

  /// The TCP layer underneath: timeouts, socket options and closing go here.
  boost::beast::tcp_stream& tcp() { return tls_ ? tls_->next_layer() : *plain_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Token>(token));
    return plain_->async_read_some(buffers, std::forward<Token>(token));
  }

  /// Reads without the tcp_stream's timeout, for a caller that bounds the read itself (with a
  /// LazyDeadline) and has called expires_never(). On plain TCP the read goes straight to the
  /// socket: Beast's timed operation adds an operation object and executor copies to every read.
  template <class MutableBuffers, class Token>
  auto async_read_some_untimed(const MutableBuffers& buffers, Token&& token) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Token>(token));
    return plain_->socket().async_read_some(buffers, std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<Token>(token));
    return plain_->async_write_some(buffers, std::forward<Token>(token));
  }

 private:
  std::optional<boost::beast::tcp_stream> plain_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
};

}  // namespace pointsman::http
