-- wrk script of bench/run: sends one POST /v1/chat/completions body per request and prints the
-- results as one line of key=value pairs that bench/run parses.
--
-- Environment: BENCH_BODY, the path of the JSON request body (required).

local body_path = os.getenv("BENCH_BODY")
assert(body_path, "BENCH_BODY is not set; it must name the JSON request body")
local file = assert(io.open(body_path, "rb"))
local body = file:read("*a"):gsub("%s+$", "")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

-- Latencies are microseconds. "errors" sums every wrk error class, non-2xx/3xx statuses included.
function done(summary, latency, requests)
  local errors = summary.errors
  local error_count = errors.connect + errors.read + errors.write + errors.status + errors.timeout
  io.write(string.format(
    "BENCH_WRK requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d status_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max, error_count, errors.status))
end
