#include "support/mock_upstream.hpp"

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "support/incoming_request_parser.hpp"

namespace pointsman::test {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

std::string reasonPhrase(int code) {
  switch (code) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool hasHeaderNamed(const std::vector<std::pair<std::string, std::string>>& headers,
                    std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
  }
  return false;
}

std::string buildStatusResponse(const Script::Step& step) {
  std::string out =
      "HTTP/1.1 " + std::to_string(step.code) + " " + reasonPhrase(step.code) + "\r\n";
  if (!hasHeaderNamed(step.headers, "content-type")) out += "Content-Type: application/json\r\n";
  for (const auto& [name, value] : step.headers) out += name + ": " + value + "\r\n";
  if (!hasHeaderNamed(step.headers, "content-length")) {
    out += "Content-Length: " + std::to_string(step.bytes.size()) + "\r\n";
  }
  out += "\r\n";
  out += step.bytes;
  return out;
}

std::string buildStreamHead(const Script::Step& step) {
  std::string out =
      "HTTP/1.1 " + std::to_string(step.code) + " " + reasonPhrase(step.code) + "\r\n";
  if (!hasHeaderNamed(step.headers, "content-type")) out += "Content-Type: text/event-stream\r\n";
  out += "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n";
  for (const auto& [name, value] : step.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  return out;
}

std::string frameChunk(const std::string& bytes) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  return std::string(size) + bytes + "\r\n";
}

std::string defaultCompletion() {
  return R"({"id":"chatcmpl-mock","object":"chat.completion","created":1700000000,)"
         R"("model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",)"
         R"("content":"Hello from the mock."},"finish_reason":"stop"}],)"
         R"("usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}})";
}

}  // namespace

class MockUpstream::Impl : public std::enable_shared_from_this<MockUpstream::Impl> {
 public:
  explicit Impl(std::optional<TlsServerFiles> tls)
      : io_(std::make_unique<asio::io_context>()),
        acceptor_(std::in_place, *io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    if (tls) {
      sslContext_.emplace(asio::ssl::context::tls_server);
      sslContext_->use_certificate_chain_file(tls->certFile);
      sslContext_->use_private_key_file(tls->keyFile, asio::ssl::context::pem);
      if (!tls->clientCaFile.empty()) {
        sslContext_->load_verify_file(tls->clientCaFile);
        sslContext_->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
      }
    }
    port_ = acceptor_->local_endpoint().port();
    defaultScript_.status(200, {}, defaultCompletion());
  }

  void start() {
    asio::co_spawn(*io_, acceptLoop(shared_from_this()), asio::detached);
    thread_ = std::thread([this] { io_->run(); });
  }

  void stop() {
    std::call_once(stopOnce_, [this] {
      io_->stop();
      if (thread_.joinable()) thread_.join();
      // Destroying the io_context destroys the suspended coroutines, which hold references to
      // this object; the acceptor must go first because it belongs to the io_context.
      acceptor_.reset();
      io_.reset();
    });
  }

  std::uint16_t port() const { return port_; }
  bool tls() const { return sslContext_.has_value(); }

  void enqueue(Script script) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(script));
  }

  void setDefault(Script script) {
    std::lock_guard lock(mutex_);
    defaultScript_ = std::move(script);
  }

  bool waitForRequests(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  std::size_t requestCount() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

  bool waitForClosedConnections(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      std::size_t closedByPeer = 0;
      for (const auto& record : connections_) closedByPeer += record.closedByPeer ? 1 : 0;
      return closedByPeer >= count;
    });
  }

  std::vector<ConnectionRecord> connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
  }

 private:
  // State shared by the reading and the scripted writing coroutine of one connection.
  template <class Stream>
  struct Connection {
    explicit Connection(Stream s, asio::any_io_executor executor)
        : stream(std::move(s)), wake(executor, Clock::time_point::max()) {}
    Stream stream;
    IncomingRequestParser parser;
    asio::steady_timer wake;
    bool peerClosed = false;
    bool closingByScript = false;
    std::size_t index = 0;
  };

  static awaitable<void> acceptLoop(std::shared_ptr<Impl> self) {
    for (;;) {
      auto [error, socket] = co_await self->acceptor_->async_accept(kAsTuple);
      if (error) co_return;
      socket.set_option(tcp::no_delay(true));
      std::size_t index = self->recordAccepted();
      if (self->sslContext_) {
        asio::co_spawn(*self->io_, serveTls(self, std::move(socket), index), asio::detached);
      } else {
        auto connection =
            std::make_shared<Connection<tcp::socket>>(std::move(socket), self->io_->get_executor());
        connection->index = index;
        asio::co_spawn(*self->io_, serve(self, connection), asio::detached);
      }
    }
  }

  static awaitable<void> serveTls(std::shared_ptr<Impl> self, tcp::socket socket,
                                  std::size_t index) {
    using TlsStream = asio::ssl::stream<tcp::socket>;
    auto connection = std::make_shared<Connection<TlsStream>>(
        TlsStream(std::move(socket), *self->sslContext_), self->io_->get_executor());
    connection->index = index;
    auto [error] =
        co_await connection->stream.async_handshake(asio::ssl::stream_base::server, kAsTuple);
    if (error) {
      // A client that rejects the certificate aborts the handshake: that is a peer close.
      self->recordClosed(index, true);
      co_return;
    }
    co_await serve(self, connection);
  }

  template <class Stream>
  static awaitable<void> readLoop(std::shared_ptr<Impl> self,
                                  std::shared_ptr<Connection<Stream>> connection) {
    std::array<char, 256 * 1024> buffer{};
    for (;;) {
      auto [error, size] =
          co_await connection->stream.async_read_some(asio::buffer(buffer), kAsTuple);
      if (error) {
        connection->peerClosed = true;
        self->recordClosed(connection->index, !connection->closingByScript);
        connection->wake.cancel();
        co_return;
      }
      connection->parser.feed(std::string_view(buffer.data(), size));
      connection->wake.cancel();
    }
  }

  template <class Stream>
  static awaitable<void> waitForWake(std::shared_ptr<Connection<Stream>> connection) {
    connection->wake.expires_at(Clock::time_point::max());
    co_await connection->wake.async_wait(kAsTuple);
  }

  template <class Stream>
  static awaitable<void> serve(std::shared_ptr<Impl> self,
                               std::shared_ptr<Connection<Stream>> connection) {
    asio::co_spawn(*self->io_, readLoop(self, connection), asio::detached);
    for (;;) {
      std::optional<RecordedRequest> request;
      while (!(request = connection->parser.next()) && !connection->peerClosed &&
             !connection->parser.failed()) {
        co_await waitForWake(connection);
      }
      if (!request) break;

      request->connectionIndex = connection->index;
      request->time = Clock::now();
      Script script = self->takeScript();
      self->recordRequest(std::move(*request));
      bool keepOpen = co_await runScript(self, connection, script);
      if (!keepOpen) break;
    }
    closeConnection(*connection, false);
  }

  template <class Stream>
  static void closeConnection(Connection<Stream>& connection, bool abortive) {
    connection.closingByScript = true;
    boost::system::error_code ignored;
    auto& socket = connection.stream.lowest_layer();
    if (abortive)
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
    else
      socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  // A failed write means the gateway went away (EPIPE or reset), which counts as its close.
  template <class Stream>
  static awaitable<bool> write(std::shared_ptr<Impl> self,
                               std::shared_ptr<Connection<Stream>> connection, std::string bytes) {
    auto [error, size] =
        co_await asio::async_write(connection->stream, asio::buffer(bytes), kAsTuple);
    if (error) {
      connection->peerClosed = true;
      self->recordClosed(connection->index, true);
    }
    co_return !error;
  }

  // Runs the steps; returns true when the connection stays open for another request.
  template <class Stream>
  static awaitable<bool> runScript(std::shared_ptr<Impl> self,
                                   std::shared_ptr<Connection<Stream>> connection,
                                   const Script& script) {
    asio::steady_timer timer(*self->io_);
    for (const Script::Step& step : script.steps()) {
      switch (step.kind) {
        case Script::StepKind::Status:
          if (!co_await write(self, connection, buildStatusResponse(step))) co_return false;
          break;
        case Script::StepKind::StreamHeaders:
          if (!co_await write(self, connection, buildStreamHead(step))) co_return false;
          break;
        case Script::StepKind::Chunk:
          if (!co_await write(self, connection, frameChunk(step.bytes))) co_return false;
          break;
        case Script::StepKind::RawWrite:
          if (!co_await write(self, connection, step.bytes)) co_return false;
          break;
        case Script::StepKind::EndChunked:
          if (!co_await write(self, connection, "0\r\n\r\n")) co_return false;
          break;
        case Script::StepKind::Delay:
          timer.expires_after(step.duration);
          co_await timer.async_wait(kAsTuple);
          break;
        case Script::StepKind::WaitUntil: {
          auto deadline = Clock::now() + step.duration;
          while (!step.condition() && Clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(2));
            co_await timer.async_wait(kAsTuple);
          }
          break;
        }
        case Script::StepKind::Call:
          step.action();
          break;
        case Script::StepKind::Stall:
          while (!connection->peerClosed) co_await waitForWake(connection);
          co_return false;
        case Script::StepKind::Reset:
          closeConnection(*connection, true);
          co_return false;
        case Script::StepKind::Close:
          closeConnection(*connection, false);
          co_return false;
      }
    }
    co_return !connection->peerClosed;
  }

  Script takeScript() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return defaultScript_;
    Script next = std::move(queue_.front());
    queue_.pop_front();
    return next;
  }

  std::size_t recordAccepted() {
    std::lock_guard lock(mutex_);
    connections_.push_back(ConnectionRecord{.opened = Clock::now()});
    return connections_.size() - 1;
  }

  void recordClosed(std::size_t index, bool byPeer) {
    {
      std::lock_guard lock(mutex_);
      ConnectionRecord& record = connections_.at(index);
      if (record.closed) return;
      record.closed = Clock::now();
      record.closedByPeer = byPeer;
    }
    changed_.notify_all();
  }

  void recordRequest(RecordedRequest request) {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(request));
    }
    changed_.notify_all();
  }

  std::unique_ptr<asio::io_context> io_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::ssl::context> sslContext_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::once_flag stopOnce_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Script> queue_;
  Script defaultScript_;
  std::vector<RecordedRequest> requests_;
  std::vector<ConnectionRecord> connections_;
};

MockUpstream::MockUpstream() : impl_(std::make_shared<Impl>(std::nullopt)) { impl_->start(); }

MockUpstream::MockUpstream(TlsServerFiles tls) : impl_(std::make_shared<Impl>(std::move(tls))) {
  impl_->start();
}

MockUpstream::~MockUpstream() { stop(); }

std::uint16_t MockUpstream::port() const { return impl_->port(); }

std::string MockUpstream::baseUrl() const {
  return std::string(impl_->tls() ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) +
         "/v1";
}

void MockUpstream::enqueue(Script script) { impl_->enqueue(std::move(script)); }
void MockUpstream::setDefault(Script script) { impl_->setDefault(std::move(script)); }

bool MockUpstream::waitForRequests(std::size_t count, std::chrono::milliseconds timeout) {
  return impl_->waitForRequests(count, timeout);
}

std::vector<RecordedRequest> MockUpstream::requests() const { return impl_->requests(); }
std::size_t MockUpstream::requestCount() const { return impl_->requestCount(); }

bool MockUpstream::waitForClosedConnections(std::size_t count, std::chrono::milliseconds timeout) {
  return impl_->waitForClosedConnections(count, timeout);
}

std::vector<ConnectionRecord> MockUpstream::connections() const { return impl_->connections(); }

void MockUpstream::stop() { impl_->stop(); }

}  // namespace pointsman::test
