// Runs the simulator in-process on a loopback port and checks it with a blocking Beast client.
#include "sim/simulator.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace pointsman::sim {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using nlohmann::json;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  /// The chunks of a chunked body, one entry per chunk as written by the server.
  std::vector<std::string> chunks;
  /// Set when the exchange failed, such as by a connection reset.
  boost::system::error_code error;
};

/// A blocking HTTP/1.1 client with a receive timeout, so a broken server fails a test instead of
/// hanging it.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(context_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval timeout{10, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }

  Reply send(http::verb method, std::string_view target, const std::string& body = {},
             const std::map<std::string, std::string>& headers = {}) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) {
      request.set(name, value);
    }
    if (!body.empty()) {
      request.set(http::field::content_type, "application/json");
      request.body() = body;
    }
    request.prepare_payload();

    Reply reply;
    http::write(socket_, request, reply.error);
    if (reply.error) {
      return reply;
    }
    readReply(reply);
    return reply;
  }

  Reply post(std::string_view target, const json& body,
             const std::map<std::string, std::string>& headers = {}) {
    return send(http::verb::post, target, body.dump(), headers);
  }

 private:
  void readReply(Reply& reply) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    // A chunk header starts a new entry, so each entry is one write of the server.
    auto onChunkHeader = [&reply](std::uint64_t size, std::string_view,
                                  boost::system::error_code&) {
      if (size > 0) {
        reply.chunks.emplace_back();
      }
    };
    auto onChunkBody = [&reply](std::uint64_t, std::string_view data,
                                boost::system::error_code&) -> std::size_t {
      reply.chunks.back() += data;
      return data.size();
    };
    parser.on_chunk_header(onChunkHeader);
    parser.on_chunk_body(onChunkBody);
    http::read(socket_, buffer_, parser, reply.error);

    const auto& response = parser.get();
    reply.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      reply.headers[std::string(field.name_string())] = std::string(field.value());
    }
    reply.body = response.body();
    for (const auto& chunk : reply.chunks) {
      reply.body += chunk;
    }
  }

  asio::io_context context_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

/// Splits an SSE body into the payloads of its `data:` events.
std::vector<std::string> eventData(const std::string& body) {
  std::vector<std::string> events;
  std::size_t start = 0;
  while (start < body.size()) {
    const auto end = body.find("\n\n", start);
    if (end == std::string::npos) {
      break;
    }
    const auto event = body.substr(start, end - start);
    EXPECT_EQ(event.rfind("data: ", 0), 0U) << event;
    events.push_back(event.substr(6));
    start = end + 2;
  }
  return events;
}

class SimulatorTest : public ::testing::Test {
 protected:
  void startSimulator(SimConfig config = {}) {
    simulator_ = std::make_unique<Simulator>(std::move(config));
    simulator_->start("127.0.0.1", 0);
  }

  void SetUp() override { startSimulator(); }

  Client connect() const { return Client(simulator_->port()); }

  std::unique_ptr<Simulator> simulator_;
};

json chatRequest(std::string_view model, bool stream, std::optional<int> maxTokens = {}) {
  json body = {{"model", model},
               {"stream", stream},
               {"messages",
                {{{"role", "system"}, {"content", "Be brief."}},
                 {{"role", "user"},
                  {"content", {{{"type", "text"}, {"text", "Hello there"}}}}}}}};
  if (maxTokens) {
    body["max_tokens"] = *maxTokens;
  }
  return body;
}

std::string streamedText(const std::vector<std::string>& events) {
  std::string text;
  for (const auto& data : events) {
    if (data == "[DONE]") {
      continue;
    }
    const auto chunk = json::parse(data);
    if (!chunk["choices"].empty() && chunk["choices"][0]["delta"].contains("content")) {
      text += chunk["choices"][0]["delta"]["content"].get<std::string>();
    }
  }
  return text;
}

TEST_F(SimulatorTest, ChatCompletionShapeAndUsage) {
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("sim-mini", false));
  ASSERT_FALSE(reply.error) << reply.error.message();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers.at("Content-Type"), "application/json");
  EXPECT_EQ(reply.headers.at("x-request-id").rfind("sim-", 0), 0U);

  const auto body = json::parse(reply.body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["model"], "sim-mini");
  EXPECT_EQ(body["id"].get<std::string>().rfind("chatcmpl-sim-", 0), 0U);
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");
  // "Be brief." and "Hello there" are 20 bytes: 5 prompt tokens.
  EXPECT_EQ(body["usage"]["prompt_tokens"], 5);
  EXPECT_EQ(body["usage"]["completion_tokens"], 16);
  EXPECT_EQ(body["usage"]["total_tokens"], 21);
}

TEST_F(SimulatorTest, MaxTokensSetsLengthAndFinishReason) {
  auto client = connect();
  const auto body =
      json::parse(client.post("/v1/chat/completions", chatRequest("m", false, 3)).body);
  const auto content = body["choices"][0]["message"]["content"].get<std::string>();
  EXPECT_EQ(std::count(content.begin(), content.end(), ' '), 2);
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"]["completion_tokens"], 3);
}

TEST_F(SimulatorTest, KeepAliveServesSequentialRequests) {
  auto client = connect();
  const auto first = client.send(http::verb::get, "/healthz");
  const auto second = client.send(http::verb::get, "/healthz");
  EXPECT_EQ(first.body, R"({"status":"ok"})");
  EXPECT_EQ(second.status, 200);
  EXPECT_NE(first.headers.at("x-request-id"), second.headers.at("x-request-id"));
}

TEST_F(SimulatorTest, StreamMatchesNonStreamText) {
  auto client = connect();
  const auto whole = json::parse(client.post("/v1/chat/completions",
                                             chatRequest("sim-large", false, 7)).body);
  const auto stream = client.post("/v1/chat/completions", chatRequest("sim-large", true, 7));
  ASSERT_FALSE(stream.error) << stream.error.message();
  EXPECT_EQ(stream.headers.at("Content-Type"), "text/event-stream");

  const auto events = eventData(stream.body);
  // Role, 7 tokens, finish, [DONE].
  ASSERT_EQ(events.size(), 10U);
  EXPECT_EQ(stream.chunks.size(), events.size()) << "every event is its own chunk";
  const auto role = json::parse(events[0]);
  EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(role["choices"][0]["delta"]["content"], "");
  EXPECT_FALSE(role.contains("usage"));
  const auto finish = json::parse(events[8]);
  EXPECT_TRUE(finish["choices"][0]["delta"].empty());
  EXPECT_EQ(finish["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(events[9], "[DONE]");
  EXPECT_EQ(streamedText(events), whole["choices"][0]["message"]["content"]);
}

TEST_F(SimulatorTest, StreamIncludeUsageChunk) {
  auto client = connect();
  auto request = chatRequest("m", true);
  request["stream_options"] = {{"include_usage", true}};
  const auto events = eventData(client.post("/v1/chat/completions", request).body);
  // Role, 16 tokens, finish, usage, [DONE].
  ASSERT_EQ(events.size(), 20U);
  for (std::size_t i = 0; i < 18; ++i) {
    const auto chunk = json::parse(events[i]);
    ASSERT_TRUE(chunk.contains("usage")) << events[i];
    EXPECT_TRUE(chunk["usage"].is_null());
  }
  const auto usage = json::parse(events[18]);
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["completion_tokens"], 16);
  EXPECT_EQ(usage["usage"]["total_tokens"], 21);
  EXPECT_EQ(events[19], "[DONE]");
}

TEST_F(SimulatorTest, LegacyCompletionStreamAndBody) {
  auto client = connect();
  const json request = {{"model", "m"}, {"prompt", {"abcd", "efgh1"}}, {"max_tokens", 4}};
  const auto body = json::parse(client.post("/v1/completions", request).body);
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["usage"]["prompt_tokens"], 3);

  auto streamRequest = request;
  streamRequest["stream"] = true;
  const auto events = eventData(client.post("/v1/completions", streamRequest).body);
  ASSERT_EQ(events.size(), 6U);
  std::string text;
  for (std::size_t i = 0; i < 4; ++i) {
    text += json::parse(events[i])["choices"][0]["text"].get<std::string>();
  }
  EXPECT_EQ(text, body["choices"][0]["text"]);
  EXPECT_EQ(json::parse(events[4])["choices"][0]["finish_reason"], "length");
}

TEST_F(SimulatorTest, StatusFaultWithRetryAfter) {
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("m", false),
                                 {{"x-sim-fault", "status=429;retry_after=7;retry_after_ms=1500"}});
  EXPECT_EQ(reply.status, 429);
  EXPECT_EQ(reply.headers.at("Retry-After"), "7");
  EXPECT_EQ(reply.headers.at("retry-after-ms"), "1500");
  const auto body = json::parse(reply.body);
  EXPECT_EQ(body["error"]["type"], "rate_limit_error");

  // The connection stays usable after an error response.
  EXPECT_EQ(client.send(http::verb::get, "/healthz").status, 200);
}

TEST_F(SimulatorTest, ContentFilterFaultSetsFinishReason) {
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("m", false, 3), {{"x-sim-fault", "content_filter"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto body = json::parse(reply.body);
  EXPECT_EQ(body["choices"][0]["finish_reason"], "content_filter");
  EXPECT_EQ(body["usage"]["completion_tokens"], 3);
}

TEST_F(SimulatorTest, CountTokensMatchesMessagesUsage) {
  auto client = connect();
  const std::string messages = R"("messages":[{"role":"user","content":"Hello there, how many tokens?"}])";
  const auto count = client.post("/v1/messages/count_tokens", json::parse(R"({"model":"m",)" + messages + "}"));
  const auto answer = client.post("/v1/messages", json::parse(R"({"model":"m","max_tokens":2,)" + messages + "}"));
  ASSERT_EQ(count.status, 200) << count.body;
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(count.body)["input_tokens"], json::parse(answer.body)["usage"]["input_tokens"]);

  const auto empty = client.post("/v1/messages/count_tokens", json::parse(R"({"model":"m","messages":[]})"));
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(json::parse(empty.body)["type"], "error");
}

TEST_F(SimulatorTest, RawBodyFault) {
  auto client = connect();
  const auto reply = client.post("/v1/embeddings", {{"model", "e"}, {"input", "x"}},
                                 {{"x-sim-fault", "status=502;body=bad gateway;content_type=text/plain"}});
  EXPECT_EQ(reply.status, 502);
  EXPECT_EQ(reply.body, "bad gateway");
  EXPECT_EQ(reply.headers.at("Content-Type"), "text/plain");
}

TEST_F(SimulatorTest, ResetFaultDropsConnection) {
  auto client = connect();
  const auto reply =
      client.post("/v1/chat/completions", chatRequest("m", false), {{"x-sim-fault", "reset"}});
  EXPECT_EQ(reply.error, asio::error::connection_reset) << reply.error.message();
}

TEST_F(SimulatorTest, ModelFaultFromConfig) {
  SimConfig config;
  config.models["sim-flaky"].fault = "status=503;retry_after=1";
  startSimulator(config);
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("sim-flaky", false));
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.headers.at("Retry-After"), "1");
  EXPECT_EQ(json::parse(reply.body)["error"]["type"], "server_error");
  EXPECT_EQ(client.post("/v1/chat/completions", chatRequest("other", false)).status, 200);
}

TEST_F(SimulatorTest, ModelFaultAlternativesMixAtRandom) {
  SimConfig config;
  config.models["sim-mixed"].fault = "percent=40;status=500|percent=40;status=429;retry_after=1";
  startSimulator(config);
  auto client = connect();

  // With 20 % successful responses, 200 requests miss one of the three kinds with a probability below
  // 1e-19, so the test does not flake.
  std::map<int, int> statusCounts;
  for (int i = 0; i < 200; ++i) {
    const auto reply = client.post("/v1/chat/completions", chatRequest("sim-mixed", false));
    ASSERT_FALSE(reply.error) << reply.error.message();
    ++statusCounts[reply.status];
  }
  EXPECT_GT(statusCounts[200], 0);
  EXPECT_GT(statusCounts[500], 0);
  EXPECT_GT(statusCounts[429], 0);
  EXPECT_EQ(statusCounts[200] + statusCounts[500] + statusCounts[429], 200);
}

TEST_F(SimulatorTest, HeaderFaultAlternativesApplyToShare) {
  auto client = connect();
  int failed = 0;
  for (int i = 0; i < 100; ++i) {
    const auto reply = client.post("/v1/chat/completions", chatRequest("m", false),
                                   {{"x-sim-fault", "percent=50;status=503"}});
    ASSERT_FALSE(reply.error) << reply.error.message();
    if (reply.status == 503) ++failed;
  }
  EXPECT_GT(failed, 0);
  EXPECT_LT(failed, 100);
}

TEST_F(SimulatorTest, StreamResetAfterEvents) {
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("m", true),
                                 {{"x-sim-fault", "reset_after_events=2"}});
  EXPECT_TRUE(reply.error) << "the stream must not end cleanly";
  // The role event and two content events were sent before the reset, but the kernel may drop
  // unread data when the reset arrives.
  EXPECT_LE(reply.chunks.size(), 3U);
}

TEST_F(SimulatorTest, StreamErrorAfterEvents) {
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("m", true),
                                 {{"x-sim-fault", "error_after_events=0"}});
  ASSERT_FALSE(reply.error) << reply.error.message();
  const auto events = eventData(reply.body);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(json::parse(events[1])["error"]["code"], "sim_error");
}

TEST_F(SimulatorTest, StreamCloseAfterEvents) {
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("m", true),
                                 {{"x-sim-fault", "close_after_events=3"}});
  ASSERT_FALSE(reply.error) << reply.error.message();
  const auto events = eventData(reply.body);
  ASSERT_EQ(events.size(), 4U);
  EXPECT_EQ(json::parse(events[3])["choices"][0]["finish_reason"], nullptr);
}

TEST_F(SimulatorTest, StreamStallAfterEventsStillCompletes) {
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("m", true, 4),
                                 {{"x-sim-fault", "stall_after_events=2;stall_ms=20"}});
  ASSERT_FALSE(reply.error) << reply.error.message();
  EXPECT_EQ(eventData(reply.body).back(), "[DONE]");
}

TEST_F(SimulatorTest, EmbeddingsDimensionsAndDeterminism) {
  auto client = connect();
  const json request = {{"model", "sim-embed"}, {"input", {"alpha", "beta"}}, {"dimensions", 8}};
  const auto first = json::parse(client.post("/v1/embeddings", request).body);
  const auto second = json::parse(client.post("/v1/embeddings", request).body);
  ASSERT_EQ(first["data"].size(), 2U);
  EXPECT_EQ(first["data"], second["data"]);
  EXPECT_NE(first["data"][0]["embedding"], first["data"][1]["embedding"]);
  EXPECT_EQ(first["usage"]["prompt_tokens"], 3);

  const auto vector = first["data"][0]["embedding"].get<std::vector<double>>();
  ASSERT_EQ(vector.size(), 8U);
  double squares = 0;
  for (const double value : vector) {
    squares += value * value;
  }
  EXPECT_NEAR(squares, 1.0, 1e-5);

  const auto base64 = json::parse(client.post("/v1/embeddings",
      {{"model", "e"}, {"input", "alpha"}, {"encoding_format", "base64"}}).body);
  // 16 floats are 64 bytes, which base64 writes as 88 characters.
  EXPECT_EQ(base64["data"][0]["embedding"].get<std::string>().size(), 88U);
}

TEST_F(SimulatorTest, ErrorShapes) {
  auto client = connect();
  const auto notFound = client.send(http::verb::get, "/v2/nothing");
  EXPECT_EQ(notFound.status, 404);
  const auto wrongMethod = client.send(http::verb::get, "/v1/chat/completions");
  EXPECT_EQ(wrongMethod.status, 405);
  EXPECT_EQ(wrongMethod.headers.at("Allow"), "POST");
  const auto invalidJson = client.send(http::verb::post, "/v1/chat/completions", "{nope");
  EXPECT_EQ(invalidJson.status, 400);
  auto twoChoices = chatRequest("m", false);
  twoChoices["n"] = 2;
  const auto nTwo = client.post("/v1/chat/completions", twoChoices);
  EXPECT_EQ(nTwo.status, 400);

  for (const auto* reply : {&notFound, &wrongMethod, &invalidJson, &nTwo}) {
    const auto error = json::parse(reply->body)["error"];
    EXPECT_TRUE(error["message"].is_string()) << reply->body;
    EXPECT_EQ(error["type"], "invalid_request_error");
    EXPECT_TRUE(error.contains("param"));
    EXPECT_TRUE(error.contains("code"));
  }
  EXPECT_EQ(json::parse(nTwo.body)["error"]["param"], "n");
}

TEST_F(SimulatorTest, ModelsListsConfiguredModels) {
  SimConfig config;
  config.models["sim-a"] = {};
  config.models["sim-b"] = {};
  startSimulator(config);
  auto client = connect();
  const auto body = json::parse(client.send(http::verb::get, "/v1/models").body);
  EXPECT_EQ(body["object"], "list");
  ASSERT_EQ(body["data"].size(), 2U);
  EXPECT_EQ(body["data"][0]["id"], "sim-a");
  EXPECT_EQ(body["data"][0]["object"], "model");
}

TEST_F(SimulatorTest, TimeScaleShortensDelays) {
  SimConfig config;
  config.timeScale = 0.001;
  config.defaults.ttftMs = 2000;
  config.defaults.tokensPerSecond = 10;
  startSimulator(config);
  auto client = connect();

  const auto started = std::chrono::steady_clock::now();
  const auto reply = client.post("/v1/chat/completions", chatRequest("m", true, 5),
                                 {{"x-sim-ttft-ms", "1000"}});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(reply.error) << reply.error.message();
  EXPECT_EQ(eventData(reply.body).back(), "[DONE]");
  // Unscaled, this stream takes 1.4 s, and scaled it takes 1.4 ms. The bound only catches a
  // missing scale.
  EXPECT_LT(elapsed, std::chrono::milliseconds(1000));
}

TEST_F(SimulatorTest, StallDelaysHeaders) {
  auto client = connect();
  const auto started = std::chrono::steady_clock::now();
  const auto reply = client.post("/v1/chat/completions", chatRequest("m", false),
                                 {{"x-sim-fault", "stall_ms=30"}});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(reply.status, 200);
  // A steady timer never fires early, so this lower bound holds on a loaded machine too.
  EXPECT_GE(elapsed, std::chrono::milliseconds(30));
}

TEST_F(SimulatorTest, InvalidModelFaultInCodeGives500) {
  SimConfig config;
  config.models["broken"].fault = "explode";
  startSimulator(config);
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("broken", false));
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(json::parse(reply.body)["error"]["type"], "server_error");
}

TEST_F(SimulatorTest, TwoThreadsServeParallelClients) {
  SimConfig config;
  config.threads = 2;
  startSimulator(config);

  constexpr int kClients = 4;
  constexpr int kRequestsPerClient = 25;
  std::atomic<int> completed{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < kClients; ++i) {
    workers.emplace_back([&] {
      auto client = connect();
      for (int j = 0; j < kRequestsPerClient; ++j) {
        const auto reply = client.post("/v1/chat/completions", chatRequest("m", true, 8));
        if (!reply.error && eventData(reply.body).back() == "[DONE]") {
          ++completed;
        }
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(completed.load(), kClients * kRequestsPerClient);
}

TEST_F(SimulatorTest, WeatherQuestionWithToolsCallsTool) {
  auto client = connect();
  auto request = chatRequest("m", false);
  request["messages"].push_back({{"role", "user"}, {"content", "What is the Weather in Paris?"}});
  request["tools"] = {{{"type", "function"},
                       {"function", {{"name", "get_weather"}, {"parameters", json::object()}}}}};
  const auto body = json::parse(client.post("/v1/chat/completions", request).body);
  const auto& message = body["choices"][0]["message"];
  EXPECT_TRUE(message["content"].is_null());
  EXPECT_EQ(message["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(json::parse(message["tool_calls"][0]["function"]["arguments"].get<std::string>()),
            json({{"location", "Paris"}}));
  EXPECT_EQ(body["choices"][0]["finish_reason"], "tool_calls");

  request["stream"] = true;
  const auto events = eventData(client.post("/v1/chat/completions", request).body);
  // Role, function name, arguments, finish, [DONE].
  ASSERT_EQ(events.size(), 5U);
  const auto opening = json::parse(events[1])["choices"][0]["delta"]["tool_calls"][0];
  EXPECT_EQ(opening["function"]["name"], "get_weather");
  EXPECT_EQ(opening["id"].get<std::string>().rfind("call_sim_", 0), 0U);
  const auto arguments = json::parse(events[2])["choices"][0]["delta"]["tool_calls"][0];
  EXPECT_EQ(arguments["function"]["arguments"], message["tool_calls"][0]["function"]["arguments"]);
  EXPECT_EQ(json::parse(events[3])["choices"][0]["finish_reason"], "tool_calls");
}

TEST_F(SimulatorTest, InvalidOverrideHeaderIsRejected) {
  auto client = connect();
  const auto reply = client.post("/v1/chat/completions", chatRequest("m", false),
                                 {{"x-sim-answer-tokens", "lots"}});
  EXPECT_EQ(reply.status, 400);
  const auto badFault = client.post("/v1/chat/completions", chatRequest("m", false),
                                    {{"x-sim-fault", "explode"}});
  EXPECT_EQ(badFault.status, 400);
}

}  // namespace
}  // namespace pointsman::sim
