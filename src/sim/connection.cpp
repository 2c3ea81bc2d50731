#include "sim/connection.hpp"

#include "sim/answer_text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <array>

namespace pointsman::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

// Every co_await here is a statement of its own: GCC 12 corrupted a coroutine frame when a
// co_await sat in an `if` condition (`if (!co_await ...)`), and the rewrite fixed the crash.
constexpr auto kUseAwaitable = asio::as_tuple(asio::use_awaitable);
// Large enough for long prompts; a bigger body is rejected by the parser and closes the link.
constexpr std::uint64_t kMaxBodyBytes = 64ULL * 1024 * 1024;

/// Shared state of one connection: the socket and its single timer.
struct Link {
  tcp::socket& socket;
  asio::steady_timer& timer;
};

asio::awaitable<bool> waitFor(Link& link, Delay delay) {
  if (delay <= Delay::zero()) {
    co_return true;
  }
  link.timer.expires_after(delay);
  auto [error] = co_await link.timer.async_wait(kUseAwaitable);
  co_return !error;
}

void resetConnection(tcp::socket& socket) {
  // Linger with a zero timeout turns close() into a TCP RST instead of an orderly FIN.
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

template <typename Message>
void setCommonHeaders(Message& message, const ReplyPlan& plan, bool keepAlive) {
  message.set(http::field::server, "pointsman-sim");
  message.set(http::field::content_type, plan.contentType);
  message.set("x-request-id", plan.requestId);
  for (const auto& [name, value] : plan.headers) {
    message.set(name, value);
  }
  message.keep_alive(keepAlive);
}

asio::awaitable<bool> sendBody(Link& link, ReplyPlan& plan, unsigned version, bool keepAlive) {
  const bool waited = co_await waitFor(link, plan.firstTokenDelay);
  if (!waited) {
    co_return false;
  }
  http::response<http::string_body> response{static_cast<http::status>(plan.status), version};
  setCommonHeaders(response, plan, keepAlive);
  response.body() = std::move(plan.body);
  response.prepare_payload();

  auto [error, bytes] = co_await http::async_write(link.socket, response, kUseAwaitable);
  co_return !error && keepAlive;
}

template <typename Buffers>
asio::awaitable<bool> writeChunk(Link& link, const Buffers& buffers) {
  auto [error, bytes] = co_await asio::async_write(link.socket, http::make_chunk(buffers),
                                                   kUseAwaitable);
  co_return !error;
}

asio::awaitable<bool> writeEvent(Link& link, std::string_view event) {
  const bool written = co_await writeChunk(link, asio::const_buffer(event.data(), event.size()));
  co_return written;
}

asio::awaitable<bool> endChunkedBody(Link& link) {
  auto [error, bytes] = co_await asio::async_write(link.socket, http::make_chunk_last(),
                                                   kUseAwaitable);
  co_return !error;
}

/// The action of a stream fault once `sent` content events are out. kNone continues the stream.
enum class StreamCut { kNone, kReset, kError, kClose };

StreamCut findStreamCut(const StreamFaults& faults, int sent) {
  if (faults.resetAfterEvents == sent) {
    return StreamCut::kReset;
  }
  if (faults.errorAfterEvents == sent) {
    return StreamCut::kError;
  }
  if (faults.closeAfterEvents == sent) {
    return StreamCut::kClose;
  }
  return StreamCut::kNone;
}

/// Ends a stream cut short by a fault. Returns whether the connection may serve another request.
asio::awaitable<bool> cutStream(Link& link, const StreamScript& script, StreamCut cut, bool keepAlive) {
  if (cut == StreamCut::kReset) {
    resetConnection(link.socket);
    co_return false;
  }
  if (cut == StreamCut::kError) {
    const std::string_view event = script.errorEvent ? std::string_view(*script.errorEvent) : StreamEvents::errorEvent();
    const bool written = co_await writeEvent(link, event);
    if (!written) {
      co_return false;
    }
  }
  const bool ended = co_await endChunkedBody(link);
  co_return ended && keepAlive;
}

asio::awaitable<bool> sendStreamHead(Link& link, const ReplyPlan& plan, unsigned version,
                                     bool keepAlive) {
  http::response<http::empty_body> response{static_cast<http::status>(plan.status), version};
  setCommonHeaders(response, plan, keepAlive);
  response.set(http::field::cache_control, "no-cache");
  response.chunked(true);

  http::response_serializer<http::empty_body> serializer{response};
  auto [error, bytes] = co_await http::async_write_header(link.socket, serializer, kUseAwaitable);
  if (error) {
    co_return false;
  }
  const auto& role = plan.stream->headEvents ? *plan.stream->headEvents : plan.stream->events.roleEvent();
  if (role.empty()) {
    co_return true;
  }
  const bool written = co_await writeEvent(link, role);
  co_return written;
}

asio::awaitable<bool> sendStreamTail(Link& link, const StreamScript& script, bool keepAlive) {
  if (script.tailEvents) {
    bool written = co_await writeEvent(link, *script.tailEvents);
    if (written) {
      written = co_await endChunkedBody(link);
    }
    co_return written && keepAlive;
  }
  std::string tail = script.events.finishEvent(script.finishReason);
  bool written = co_await writeEvent(link, tail);
  if (written && script.events.includeUsage()) {
    tail = script.events.usageEvent(script.usage);
    written = co_await writeEvent(link, tail);
  }
  if (written) {
    written = co_await writeEvent(link, StreamEvents::doneEvent());
  }
  if (written) {
    written = co_await endChunkedBody(link);
  }
  co_return written && keepAlive;
}

asio::awaitable<bool> sendStream(Link& link, const ReplyPlan& plan, unsigned version,
                                 bool keepAlive) {
  const bool started = co_await sendStreamHead(link, plan, version, keepAlive);
  if (!started) {
    co_return false;
  }
  const auto& script = *plan.stream;
  const auto& faults = plan.streamFaults;
  const auto& prefix = script.events.contentPrefix();
  const auto& suffix = script.events.contentSuffix();

  const bool preset = !script.presetEvents.empty();
  const int eventCount = preset ? static_cast<int>(script.presetEvents.size()) : script.tokenCount;
  for (int sent = 0;; ++sent) {
    if (const auto cut = findStreamCut(faults, sent); cut != StreamCut::kNone) {
      const bool reusable = co_await cutStream(link, script, cut, keepAlive);
      co_return reusable;
    }
    if (sent == eventCount) {
      break;
    }
    Delay delay = sent == 0 ? plan.firstTokenDelay : plan.tokenInterval;
    if (faults.stallAfterEvents == sent) {
      delay += faults.stall;
    }
    const bool waited = co_await waitFor(link, delay);
    if (!waited) {
      co_return false;
    }

    bool written = false;
    if (preset) {
      written = co_await writeEvent(link, script.presetEvents[static_cast<std::size_t>(sent)]);
    } else {
      const auto token = answerToken(script.seed, sent, script.tokenCount);
      const std::array buffers{asio::buffer(prefix), asio::buffer(token.data(), token.size()),
                               asio::buffer(suffix)};
      written = co_await writeChunk(link, buffers);
    }
    if (!written) {
      co_return false;
    }
  }
  const bool reusable = co_await sendStreamTail(link, script, keepAlive);
  co_return reusable;
}

/// Sends one planned reply. Returns whether the connection may serve another request.
asio::awaitable<bool> sendReply(Link& link, ReplyPlan& plan, unsigned version, bool keepAlive) {
  const bool waited = co_await waitFor(link, plan.stall);
  if (!waited) {
    co_return false;
  }
  if (plan.kind == ReplyKind::kReset) {
    resetConnection(link.socket);
    co_return false;
  }
  bool reusable = false;
  if (plan.kind == ReplyKind::kStream) {
    reusable = co_await sendStream(link, plan, version, keepAlive);
  } else {
    reusable = co_await sendBody(link, plan, version, keepAlive);
  }
  co_return reusable;
}

}  // namespace

asio::awaitable<void> serveConnection(tcp::socket socket, RequestRouter& router) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  asio::steady_timer timer(socket.get_executor());
  Link link{socket, timer};
  beast::flat_buffer buffer;

  for (bool open = true; open;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    auto [error, bytes] = co_await http::async_read(socket, buffer, parser, kUseAwaitable);
    if (error) {
      if (error != http::error::end_of_stream && error != asio::error::connection_reset &&
          error != asio::error::eof) {
        spdlog::debug("closing a connection after a read error: {}", error.message());
      }
      break;
    }

    const auto& request = parser.get();
    auto plan = router.route(request);
    spdlog::debug("{} {} {} -> {}", plan.requestId, std::string_view(request.method_string()),
                  std::string_view(request.target()), plan.status);
    open = co_await sendReply(link, plan, request.version(), request.keep_alive());
  }

  if (socket.is_open()) {
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
  }
}

}  // namespace pointsman::sim
