#pragma once

// Reading an HTTP message into a Beast parser and writing a buffer sequence, both without a trip
// through the event loop when the work can be done at once.
//
// Beast's async_read and Asio's async_write always complete through the event loop, even when
// the bytes are already buffered or the socket takes the whole message at once. On a proxied
// request that happens four times, and each trip costs a queue round, an epoll poll and the
// layers of a composed operation. These helpers parse what is buffered and send what the socket
// accepts first, and wait only when they must. Included only by the .cpp files of src/http.

#include <pointsman/http/maybe_tls_stream.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace pointsman::http {

/// Feeds the buffered bytes to `parser` until `done(parser)` holds, reading from `stream` only
/// when the buffer runs dry. Errors are those of Beast's read operations: `end_of_stream` when
/// the peer closed before a message started, the parser's errors (header_limit, body_limit,
/// need_buffer, ...), and the stream's (a timeout of its tcp_stream, a reset).
template <class Parser, class Done>
boost::asio::awaitable<ErrorCode> parseUntil(MaybeTlsStream& stream, boost::beast::flat_buffer& buffer,
                                             Parser& parser, Done done) {
  namespace asio = boost::asio;
  namespace bhttp = boost::beast::http;
  // Beast reads at least 512 bytes, so a 1.2 KB answer took three reads into a fresh buffer;
  // 4 KB holds a typical header and a short answer in one.
  constexpr std::size_t kSmallestRead = 4096;

  for (;;) {
    if (done(parser)) co_return ErrorCode{};

    if (buffer.size() > 0) {
      ErrorCode error;
      const std::size_t used = parser.put(buffer.data(), error);
      buffer.consume(used);
      // Progress without an error means the parser may have more to do with what is left.
      if (!error && used > 0) continue;
      if (error && error != bhttp::error::need_more) co_return error;
    }

    const std::size_t free_bytes = buffer.max_size() - buffer.size();
    const std::size_t room = std::min(std::max(kSmallestRead, buffer.capacity() - buffer.size()), free_bytes);
    if (room == 0) co_return ErrorCode(boost::beast::http::error::buffer_overflow);
    auto [error, received] = co_await stream.async_read_some(buffer.prepare(room),
                                                             asio::as_tuple(asio::use_awaitable));
    if (error == asio::error::eof) {
      // A body that runs until the connection closes ends here; before any byte it is a close.
      if (!parser.got_some()) co_return ErrorCode(bhttp::error::end_of_stream);
      ErrorCode eof_error;
      parser.put_eof(eof_error);
      if (eof_error) co_return eof_error;
      continue;
    }
    if (error) co_return error;
    buffer.commit(received);
  }
}

/// Sends all of `buffers`. On plain TCP it first tries a non-blocking send, so a message that
/// fits in the socket's send buffer goes out at once; the rest, if any, is written
/// asynchronously under the deadline of the stream's tcp_stream.
template <class ConstBuffers>
boost::asio::awaitable<ErrorCode> writeAll(MaybeTlsStream& stream, const ConstBuffers& buffers) {
  namespace asio = boost::asio;
  constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

  if (stream.isTls()) {
    auto [error, written] = co_await asio::async_write(stream.tls(), buffers, kUseTuple);
    co_return error;
  }

  auto& socket = stream.tcp().socket();
  ErrorCode error;
  // The user-level flag only changes synchronous calls: Asio's asynchronous operations on the
  // socket behave the same either way.
  if (!socket.non_blocking()) socket.non_blocking(true, error);
  const std::size_t sent = error ? 0 : socket.write_some(buffers, error);
  if (!error && sent == asio::buffer_size(buffers)) co_return ErrorCode{};
  if (error && error != asio::error::would_block && error != asio::error::try_again) co_return error;

  boost::beast::buffers_suffix<ConstBuffers> rest(buffers);
  rest.consume(sent);
  auto [write_error, written] = co_await asio::async_write(stream.tcp(), rest, kUseTuple);
  co_return write_error;
}

}  // namespace pointsman::http
