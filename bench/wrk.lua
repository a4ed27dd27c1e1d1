-- wrk script for beep-iam's benchmarks (bench/run.sh).
--   BENCH_MODE      ok | get-session | sign-in | sign-up | route
--   route: BENCH_METHOD, BENCH_PATH (under /api/auth), BENCH_BODY (JSON), with BENCH_COOKIE
--          and BENCH_ORIGIN (a cookie-bearing POST must name a trusted origin), BENCH_API_KEY
--          (sent as x-api-key), BENCH_CONTENT_TYPE (default application/json) and
--          BENCH_AUTHORIZATION (an Authorization header)
--   BENCH_COOKIE    Cookie header (get-session); BENCH_BEARER: Authorization bearer value
--   BENCH_EMAIL, BENCH_PASSWORD   an existing user (sign-in)
--   BENCH_RUN_ID    keeps sign-up emails unique across runs
-- done() prints one line "WRKJSON {...}".
local mode = os.getenv("BENCH_MODE") or "ok"
local run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

if mode == "ok" then
  wrk.method = "GET"
  wrk.path = "/api/auth/ok"
elseif mode == "get-session" then
  wrk.method = "GET"
  wrk.path = "/api/auth/get-session"
  local cookie = os.getenv("BENCH_COOKIE") or ""
  local bearer = os.getenv("BENCH_BEARER") or ""
  if cookie ~= "" then wrk.headers["cookie"] = cookie end
  if bearer ~= "" then wrk.headers["authorization"] = "Bearer " .. bearer end
elseif mode == "route" then
  wrk.method = os.getenv("BENCH_METHOD") or "GET"
  wrk.path = "/api/auth" .. (os.getenv("BENCH_PATH") or "/ok")
  local body = os.getenv("BENCH_BODY") or ""
  if body ~= "" then
    wrk.body = body
    wrk.headers["content-type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
  end
  local authorization = os.getenv("BENCH_AUTHORIZATION") or ""
  if authorization ~= "" then wrk.headers["authorization"] = authorization end
  local cookie = os.getenv("BENCH_COOKIE") or ""
  if cookie ~= "" then wrk.headers["cookie"] = cookie end
  local origin = os.getenv("BENCH_ORIGIN") or ""
  if origin ~= "" then wrk.headers["origin"] = origin end
  local api_key = os.getenv("BENCH_API_KEY") or ""
  if api_key ~= "" then wrk.headers["x-api-key"] = api_key end
elseif mode == "sign-in" then
  wrk.method = "POST"
  wrk.path = "/api/auth/sign-in/email"
  wrk.headers["content-type"] = "application/json"
  wrk.body = string.format('{"email":"%s","password":"%s"}', os.getenv("BENCH_EMAIL"), os.getenv("BENCH_PASSWORD"))
elseif mode == "sign-up" then
  local counter = 0
  local headers = { ["content-type"] = "application/json" }
  function request()
    counter = counter + 1
    local body = string.format(
      '{"email":"bench-%s-t%d-%d@example.com","password":"bench-Pa55word-%d-zq","name":"Bench %d"}',
      run_id, tid or 0, counter, counter, counter)
    return wrk.format("POST", "/api/auth/sign-up/email", headers, body)
  end
else
  error("unknown BENCH_MODE " .. mode)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"mode":"%s","requests":%d,"duration_s":%.3f,"rps":%.2f,' ..
    '"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    mode, summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
