// The streaming half of the plan executor: reads the upstream's SSE stream through the one
// stateful parser, holds lifecycle-only events until the first content event (the commit
// point), and then relays event by event, flushing each one.

#include <pointsman/upstream/plan_executor.hpp>

#include "upstream/attempt.hpp"

#include <pointsman/api/stream_event.hpp>
#include <pointsman/http/error_body.hpp>
#include <pointsman/http/sse_parser.hpp>
#include <pointsman/upstream/stream_keepalive.hpp>

namespace pointsman::upstream {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxErrorBodyBytes = 1024 * 1024;

UpstreamError inBandError(const api::StreamEventInfo& info, const std::string& data) {
  const bool has_status = info.error_status >= 400 && info.error_status < 600;
  auto error = httpStatusError(has_status ? info.error_status : 502, data, "application/json");
  error.kind = UpstreamErrorKind::InBandError;
  error.detail = "upstream sent an error event: " + (info.error_message.empty() ? data.substr(0, 200) : info.error_message);
  return error;
}

UpstreamError cancelledError() {
  UpstreamError error;
  error.kind = UpstreamErrorKind::Cancelled;
  error.origin = ErrorOrigin::Client;
  error.retryable = false;
  error.detail = "the client disconnected";
  return error;
}

asio::awaitable<bool> startClientStream(PlanExecutor::Attempt& attempt) {
  auto headers = attempt.responseHeaders("text/event-stream");
  headers.emplace_back("cache-control", "no-cache");
  headers.emplace_back("x-accel-buffering", "no");
  co_return co_await attempt.writer.startStream(200, std::move(headers));
}

asio::awaitable<bool> ensureClientStream(PlanExecutor::Attempt& attempt) {
  if (attempt.writer.headersSent()) co_return true;
  co_return co_await startClientStream(attempt);
}

/// Ends a committed stream with an OpenAI-shaped error event: never a silent truncation.
asio::awaitable<void> endStreamWithError(PlanExecutor::Attempt& attempt, const UpstreamError& error) {
  const auto body = http::openAiErrorBody("The upstream stream of deployment `" + attempt.deploymentName() +
                                              "` failed after it had started: " + error.detail,
                                          "server_error", {}, std::string(outcomeName(error)));
  co_await attempt.writer.sendStreamData("data: " + body + "\n\n");
  co_await attempt.writer.endStream();
}

}  // namespace

asio::awaitable<std::optional<UpstreamError>> PlanExecutor::runStream(Attempt& attempt) {
  const auto now = Clock::now();
  const auto& timeouts = attempt.timeouts();
  const auto first_token_deadline =
      timeouts.first_token.count() > 0 ? std::min(attempt.totalDeadline(), now + timeouts.first_token)
                                       : attempt.totalDeadline();
  const auto header_deadline = std::min(first_token_deadline, now + timeouts.response_headers);
  const auto header_timeout_kind = header_deadline == first_token_deadline ? UpstreamErrorKind::FirstTokenTimeout
                                                                           : UpstreamErrorKind::ResponseHeadersTimeout;
  if (auto error = co_await attempt.call.send(attempt.message, header_deadline, header_timeout_kind)) co_return error;

  const unsigned status = attempt.call.status();
  attempt.outcome.attempts.back().status = status;
  attempt.outcome.upstream_request_id = attempt.call.header("x-request-id");
  const auto content_type = attempt.call.header("content-type");

  // The upstream status is known before the client gets any header, so an error keeps its status.
  if (status != 200 || content_type.find("text/event-stream") == std::string::npos) {
    std::string body;
    if (auto error = co_await attempt.call.readWholeBody(body, kMaxErrorBodyBytes, timeouts.idle, attempt.totalDeadline())) {
      co_return error;
    }
    auto translated_status = status;
    if (status != 200) attempt.adapter.translateError(translated_status, body);
    auto error = httpStatusError(translated_status, std::move(body), content_type);
    if (status == 200) {
      error.kind = UpstreamErrorKind::Protocol;
      error.detail = "upstream answered a stream request with " + content_type + " instead of an event stream";
    }
    // Headers live on the connection, so they are read before it goes back to the pool.
    error.retry_after = attempt.call.header("retry-after");
    error.retry_after_ms = attempt.call.header("retry-after-ms");
    attempt.call.release();
    co_return error;
  }

  StreamKeepalive keepalive(attempt.writer, attempt.request.stream_keepalive,
                            [&attempt] { return startClientStream(attempt); });
  co_await keepalive.start();
  auto result = co_await relayEvents(attempt, keepalive, first_token_deadline);
  co_await keepalive.stop();
  co_return result;
}

asio::awaitable<std::optional<UpstreamError>> PlanExecutor::relayEvents(Attempt& attempt, StreamKeepalive& keepalive,
                                                                         Clock::time_point first_token_deadline) {
  http::SseParser parser;
  std::string held;
  std::string piece;
  std::vector<RelayEvent> relay_events;
  bool done_seen = false;
  auto& outcome = attempt.outcome;

  for (;;) {
    const auto idle = attempt.timeouts().idle;
    const auto deadline = attempt.committed ? (idle.count() > 0 ? std::min(attempt.totalDeadline(), Clock::now() + idle)
                                                                : attempt.totalDeadline())
                                            : first_token_deadline;
    const auto timeout_kind = attempt.committed ? UpstreamErrorKind::IdleTimeout : UpstreamErrorKind::FirstTokenTimeout;

    piece.clear();
    if (auto error = co_await attempt.call.readSome(piece, deadline, timeout_kind)) {
      if (attempt.committed && error->kind != UpstreamErrorKind::Cancelled) co_await endStreamWithError(attempt, *error);
      co_return error;
    }
    if (piece.empty()) break;
    parser.feed(piece);

    while (auto event = parser.next()) {
      // A translating attempt may turn one upstream event into several, or into none for the client.
      relay_events.clear();
      if (attempt.adapter.translates()) {
        attempt.adapter.translateEvent(*event, relay_events);
      } else {
        auto formatted = http::formatSseEvent(*event);
        relay_events.push_back({std::move(event->data), std::move(formatted)});
      }
      for (const auto& relay : relay_events) {
        const auto& formatted = relay.wire;
        if (!attempt.committed) {
          const auto info = api::inspectStreamEvent(relay.data);
          if (info.kind == api::StreamEventKind::Error) co_return inBandError(info, relay.data);
          if (info.kind != api::StreamEventKind::Content && info.kind != api::StreamEventKind::Done) {
            if (info.usage) outcome.usage = info.usage;
            if (info.kind == api::StreamEventKind::UsageOnly && attempt.request.drop_usage_chunk) continue;
            // Lifecycle-only events wait here, so a failover before the first content is invisible.
            held += formatted;
            continue;
          }

          co_await keepalive.stop();
          if (!co_await ensureClientStream(attempt)) co_return cancelledError();
          attempt.committed = true;
          attempt.first_byte_at = Clock::now();
          outcome.status = 200;
          outcome.time_to_first_token_seconds =
              std::chrono::duration<double>(Clock::now() - attempt.request.received_at).count();
          if (info.kind == api::StreamEventKind::Done) done_seen = true;
          if (info.kind == api::StreamEventKind::Content) ++outcome.relayed_stream_events;
          held += formatted;
          if (!held.empty()) {
            if (!co_await attempt.writer.sendStreamData(held)) co_return cancelledError();
          }
          held.clear();
          continue;
        }

        const auto info = api::inspectCommittedStreamEvent(relay.data);
        if (info.usage) outcome.usage = info.usage;
        // The gateway asked for this chunk for its own accounting; the client did not.
        if (info.kind == api::StreamEventKind::UsageOnly && attempt.request.drop_usage_chunk) continue;
        if (info.kind == api::StreamEventKind::Done) done_seen = true;
        if (formatted.empty()) continue;
        if (!co_await attempt.writer.sendStreamData(formatted)) co_return cancelledError();
        if (info.kind != api::StreamEventKind::Done && !info.usage) ++outcome.relayed_stream_events;
      }
    }

    if (parser.overflowed()) {
      UpstreamError error;
      error.kind = UpstreamErrorKind::Protocol;
      error.detail = "an upstream stream event is larger than the event size limit";
      if (attempt.committed) co_await endStreamWithError(attempt, error);
      co_return error;
    }
  }

  // The upstream body is complete.
  if (!attempt.committed) {
    co_await keepalive.stop();
    if (!co_await ensureClientStream(attempt)) co_return cancelledError();
    attempt.committed = true;
    outcome.status = 200;
    if (!co_await attempt.writer.sendStreamData(held)) co_return cancelledError();
  }
  attempt.call.release();

  if (!done_seen) {
    UpstreamError error;
    error.kind = UpstreamErrorKind::Protocol;
    error.detail = "the upstream ended the stream without [DONE]";
    co_await endStreamWithError(attempt, error);
    co_return error;
  }
  if (attempt.request.cost_note) {
    // An SSE comment: clients skip it, and tools that read the raw stream find the cost here.
    const auto note = ": pointsman-cost-usd=" + attempt.request.cost_note(attempt.deploymentName(), outcome.usage) + "\n\n";
    if (!co_await attempt.writer.sendStreamData(note)) co_return cancelledError();
  }
  if (!co_await attempt.writer.endStream()) co_return cancelledError();
  co_return std::nullopt;
}

}  // namespace pointsman::upstream
