#!/usr/bin/env python3
"""Time sequential chat completions on one keep-alive HTTP/1.1 connection.

bench/run uses this probe for two things:

* stream mode (default): time from sending each request to the first `data:` event of the
  response, to the first event that carries answer text (a non-empty `"content"`), and to its
  end (the last chunk of the chunked body). A proxy that buffers a stream shows first-event
  times close to the end time. The simulator sends a role-only event before its first-token
  delay, so the first `data:` event and the first text differ when that delay is set;
* --no-stream mode: a fixed number of non-streamed requests, used to count the gateway's
  instructions under callgrind, where a time-bounded load generator would send an unknown count.

It prints one line, `BENCH_PROBE key=value ...`, with times in milliseconds, and exits with
status 1 when any request failed. Only the Python 3 standard library is used, and it speaks
plain HTTP only (no TLS).
"""

import argparse
import json
import re
import socket
import sys
import time
import urllib.parse


# The start of a non-empty JSON string value of `content`, i.e. an event with answer text.
FIRST_TEXT_PATTERN = re.compile(rb'"content":\s*"[^"]')


class ProbeError(Exception):
    """A response that is not a complete 200 response of the expected kind."""


class KeepAliveConnection:
    """One TCP connection that sends a request and reads the whole response before the next."""

    def __init__(self, host, port, timeout_seconds):
        self.host = host
        self.port = port
        self.timeout_seconds = timeout_seconds
        self.sock = None
        self.buffer = bytearray()

    def open(self):
        self.close()
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout_seconds)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _receive_more(self):
        data = self.sock.recv(65536)
        if not data:
            raise ProbeError("connection closed by the server before the response ended")
        self.buffer += data

    def _read_line(self):
        while True:
            end = self.buffer.find(b"\r\n")
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[: end + 2]
                return line
            self._receive_more()

    def _read_exact(self, count):
        while len(self.buffer) < count:
            self._receive_more()
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data

    def exchange(self, request_bytes):
        """Send one request and read its response.

        Returns (status, body, seconds to the first `data:`, seconds to the first answer text,
        seconds to the end). Each of the two first-event times is None when the body has no
        such event.
        """
        if self.sock is None:
            self.open()
        start = time.perf_counter()
        self.sock.sendall(request_bytes)

        status_line = self._read_line().decode("latin-1")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise ProbeError("invalid status line: %r" % status_line)
        status = int(parts[1])
        headers = {}
        while True:
            line = self._read_line()
            if not line:
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()

        body = bytearray()
        first_event = None
        first_text = None
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int(self._read_line().split(b";")[0], 16)
                if size == 0:
                    while self._read_line():
                        pass  # trailer fields, unused
                    break
                body += self._read_exact(size)
                self._read_exact(2)
                if first_event is None and b"data:" in body:
                    first_event = time.perf_counter() - start
                if first_text is None and FIRST_TEXT_PATTERN.search(body):
                    first_text = time.perf_counter() - start
        elif "content-length" in headers:
            body += self._read_exact(int(headers["content-length"]))
            if b"data:" in body:
                first_event = time.perf_counter() - start
                if FIRST_TEXT_PATTERN.search(body):
                    first_text = first_event
        else:
            raise ProbeError("response has neither Content-Length nor chunked encoding")
        end = time.perf_counter() - start

        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, bytes(body), first_event, first_text, end


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, int(-(-fraction * len(sorted_values) // 1)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def build_request(url, body, extra_headers):
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != "http" or not parsed.hostname:
        raise SystemExit("sse_probe: invalid --url %r; expected http://HOST:PORT/PATH" % url)
    path = parsed.path or "/"
    lines = [
        "POST %s HTTP/1.1" % path,
        "Host: %s" % parsed.netloc,
        "Content-Type: application/json",
        "Content-Length: %d" % len(body),
    ]
    lines += extra_headers
    head = "\r\n".join(lines) + "\r\n\r\n"
    return parsed.hostname, parsed.port or 80, head.encode("latin-1") + body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="full endpoint, e.g. http://127.0.0.1:8080/v1/chat/completions")
    parser.add_argument("-n", "--count", type=int, default=200, help="measured requests (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests sent first (default 5)")
    parser.add_argument("--no-stream", action="store_true", help="send non-streamed requests")
    parser.add_argument("--model", default="fast", help="value of the body's `model` (default fast)")
    parser.add_argument("--max-tokens", type=int, default=16, help="value of the body's `max_tokens` (default 16)")
    parser.add_argument("-H", "--header", action="append", default=[], help="extra request header 'Name: value'")
    parser.add_argument("--timeout", type=float, default=30.0, help="socket timeout in seconds (default 30)")
    args = parser.parse_args()

    stream = not args.no_stream
    payload = {
        "model": args.model,
        "messages": [{"role": "user", "content": "Name three rivers that cross more than one country."}],
        "max_tokens": args.max_tokens,
        "stream": stream,
    }
    host, port, request_bytes = build_request(args.url, json.dumps(payload).encode(), args.header)
    connection = KeepAliveConnection(host, port, args.timeout)

    first_times = []
    text_times = []
    end_times = []
    failed = 0
    first_error = None
    for index in range(args.warmup + args.count):
        measured = index >= args.warmup
        try:
            status, body, first_event, first_text, end = connection.exchange(request_bytes)
            if status != 200:
                raise ProbeError("HTTP status %d: %s" % (status, body[:200].decode("utf-8", "replace")))
            if stream and (first_event is None or b"data: [DONE]" not in body):
                raise ProbeError("stream has no data: event or no data: [DONE]")
            if not stream and b'"choices"' not in body:
                raise ProbeError("non-streamed response has no choices: %r" % body[:200])
        except (OSError, ValueError, ProbeError) as error:
            connection.close()
            if measured:
                failed += 1
                if first_error is None:
                    first_error = "request %d: %s" % (index - args.warmup + 1, error)
            continue
        if measured:
            end_times.append(end * 1000.0)
            if first_event is not None:
                first_times.append(first_event * 1000.0)
            if first_text is not None:
                text_times.append(first_text * 1000.0)
    connection.close()

    first_times.sort()
    text_times.sort()
    end_times.sort()
    print(
        "BENCH_PROBE count=%d ok=%d failed=%d first_p50_ms=%.3f first_p99_ms=%.3f"
        " text_p50_ms=%.3f text_p99_ms=%.3f end_p50_ms=%.3f end_p99_ms=%.3f"
        % (
            args.count,
            len(end_times),
            failed,
            percentile(first_times, 0.50),
            percentile(first_times, 0.99),
            percentile(text_times, 0.50),
            percentile(text_times, 0.99),
            percentile(end_times, 0.50),
            percentile(end_times, 0.99),
        )
    )
    if first_error is not None:
        print("sse_probe: %d of %d requests failed; first failure: %s" % (failed, args.count, first_error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
