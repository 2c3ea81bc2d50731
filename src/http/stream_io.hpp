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
#include <tuple>

namespace pointsman::http {

/// The state in which feedParser leaves a read.
enum class ParseProgress { Done, NeedBytes, Failed };

/// Feeds the buffered bytes to `parser` until `done(parser)` is true or the buffer runs dry,
/// without waiting. On Failed, `error` is the parser's error (header_limit, body_limit, ...). When the bytes are already there, as a body usually is once its header arrived, this
/// settles a read without starting a coroutine.
template <class Parser, class Done>
ParseProgress feedParser(boost::beast::flat_buffer& buffer, Parser& parser, Done done, ErrorCode& error) {
  for (;;) {
    if (done(parser)) return ParseProgress::Done;
    if (buffer.size() == 0) return ParseProgress::NeedBytes;

    const std::size_t used = parser.put(buffer.data(), error);
    buffer.consume(used);
    // Progress without an error means the parser may have more to do with what is left.
    if (!error && used > 0) continue;
    if (error && error != boost::beast::http::error::need_more) return ParseProgress::Failed;
    error = {};
    return ParseProgress::NeedBytes;
  }
}

/// The bound on the reads of parseUntil: the tcp_stream's timeout, or a deadline that the caller
/// keeps itself (see MaybeTlsStream::async_read_some_untimed).
enum class ReadBound { StreamTimeout, CallerDeadline };

/// Feeds `parser` until `done(parser)` is true, reading from `stream` whenever the buffer runs dry.
/// Errors are those of Beast's read operations: `end_of_stream` when the peer closed before a
/// message started, the parser's errors, and the stream's (a timeout of its tcp_stream, a reset).
template <class Parser, class Done>
boost::asio::awaitable<ErrorCode> parseUntil(MaybeTlsStream& stream, boost::beast::flat_buffer& buffer,
                                             Parser& parser, Done done,
                                             ReadBound bound = ReadBound::StreamTimeout) {
  namespace asio = boost::asio;
  namespace bhttp = boost::beast::http;
  // Beast reads at least 512 bytes, so a 1.2 KB response took three reads into a fresh buffer.
  // 4 KB fits a typical header and a short response in one read.
  constexpr std::size_t kSmallestRead = 4096;

  for (;;) {
    ErrorCode error;
    const auto progress = feedParser(buffer, parser, done, error);
    if (progress == ParseProgress::Done) co_return ErrorCode{};
    if (progress == ParseProgress::Failed) co_return error;

    const std::size_t free_bytes = buffer.max_size() - buffer.size();
    const std::size_t room = std::min(std::max(kSmallestRead, buffer.capacity() - buffer.size()), free_bytes);
    if (room == 0) co_return ErrorCode(bhttp::error::buffer_overflow);
    const auto space = buffer.prepare(room);
    ErrorCode read_error;
    std::size_t received = 0;
    if (bound == ReadBound::CallerDeadline) {
      std::tie(read_error, received) =
          co_await stream.async_read_some_untimed(space, asio::as_tuple(asio::use_awaitable));
    } else {
      std::tie(read_error, received) = co_await stream.async_read_some(space, asio::as_tuple(asio::use_awaitable));
    }
    if (read_error == asio::error::eof) {
      // A body that runs until the connection closes ends here; before any byte it is a close.
      if (!parser.got_some()) co_return ErrorCode(bhttp::error::end_of_stream);
      ErrorCode eof_error;
      parser.put_eof(eof_error);
      if (eof_error) co_return eof_error;
      continue;
    }
    if (read_error) co_return read_error;
    buffer.commit(received);
  }
}

/// Sends what a plain TCP socket takes at once, without waiting. Returns the bytes sent, 0 for a
/// TLS stream, and sets `error` only for a failure other than a full send buffer. A message that
/// fits in the socket's send buffer thus goes out without a coroutine or an event-loop trip.
template <class ConstBuffers>
std::size_t sendNow(MaybeTlsStream& stream, const ConstBuffers& buffers, ErrorCode& error) {
  namespace asio = boost::asio;
  if (stream.isTls()) return 0;

  auto& socket = stream.tcp().socket();
  // The user-level flag only changes synchronous calls. Asio's asynchronous operations on the
  // socket behave the same either way.
  if (!socket.non_blocking()) socket.non_blocking(true, error);
  if (error) return 0;
  const std::size_t sent = socket.write_some(buffers, error);
  if (error == asio::error::would_block || error == asio::error::try_again) error = {};
  return sent;
}

/// Sends `buffers` from byte `sent` on, asynchronously, under the deadline of the stream's
/// tcp_stream. Pairs with sendNow for what the socket did not take at once.
template <class ConstBuffers>
boost::asio::awaitable<ErrorCode> sendRest(MaybeTlsStream& stream, const ConstBuffers& buffers, std::size_t sent) {
  namespace asio = boost::asio;
  constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

  if (stream.isTls()) {
    auto [error, written] = co_await asio::async_write(stream.tls(), buffers, kUseTuple);
    co_return error;
  }
  boost::beast::buffers_suffix<ConstBuffers> rest(buffers);
  rest.consume(sent);
  auto [error, written] = co_await asio::async_write(stream.tcp(), rest, kUseTuple);
  co_return error;
}

}  // namespace pointsman::http
