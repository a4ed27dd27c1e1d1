#!/usr/bin/env bash
# beep-iam's benchmarks, side by side with better-auth, in one run on one machine.
#
#   bench/run.sh                 everything (about 6 minutes after the release build)
#   DURATION=5s CONNS=64 bench/run.sh
#   PEER=0 bench/run.sh          skip better-auth (../shared/peers/better-auth)
#
# For each setup (SQLite; PostgreSQL, whose default session cache is in process and kept in
# step across nodes by the database's notices; PostgreSQL with the Redis session cache,
# SESSION_CACHE=shared, one Redis round trip per read) a
# release server with rate limiting off is started and measured with wrk: /ok (the HTTP ceiling), get-session with the cookie cache off and on
# and by bearer, organization reads, social and passkey starts, JWTs, API-key verification and
# get-session by x-api-key, OAuth client_credentials grants, introspection and userinfo, sign-in, sign-up with unique emails, and get-session while 64 connections
# hammer sign-in. The raw argon2id rate on all cores is measured with the same parameters.
# Peak RSS comes from the server's VmHWM. Output: bench/out/<time>/{results.jsonl,summary.md}.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
PEER=${PEER:-1}
PORT=${PORT:-4600}
BIN=target/release/beep-iam
OUT=bench/out/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
: >"$OUT/results.jsonl"
EMAIL=bench-signin@example.com
PASSWORD=bench-Pa55word-signin-zq

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
scripts/ensure-services.sh
cargo build --release --locked -p beep-iam --bin beep-iam
cargo build --release --locked -p beep-core --example argon2_rate

record() { # $1 = label fields as JSON (without braces), stdin = wrk output
  local line
  line=$(sed -n 's/^WRKJSON //p')
  [ -n "$line" ] || { echo "no wrk result for $1" >&2; return 1; }
  echo "{$1,${line#\{}" | tee -a "$OUT/results.jsonl"
}

run_wrk() { # mode duration conns [extra env...]
  local mode=$1 duration=$2 conns=$3; shift 3
  env BENCH_MODE="$mode" BENCH_EMAIL=$EMAIL BENCH_PASSWORD=$PASSWORD BENCH_RUN_ID="$RANDOM$RANDOM" "$@" \
    wrk -t2 -c"$conns" -d"$duration" --timeout 30s --latency -s bench/wrk.lua "http://127.0.0.1:$PORT"
}

SERVER_PID=
stop_server() { [ -z "$SERVER_PID" ] || { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }; }
trap stop_server EXIT

start_server() { # database_url cache_seconds [redis_url]
  local data
  data=$(mktemp -d)
  # GitHub's endpoints are fixed, so starting a sign-in with it needs no network. API keys
  # stand for sessions, and a key counts each use against a limit it never reaches. The OAuth
  # provider offers one scope for the machine client. (Comments cannot sit between the
  # continued lines below: a `#` there would end the command.)
  OAUTH_PROVIDER_NAMES=github OAUTH_PROVIDER_GITHUB_CLIENT_ID=bench-client OAUTH_PROVIDER_GITHUB_CLIENT_SECRET=bench-client-secret \
  API_KEY_SESSIONS=true API_KEY_RATE_LIMIT_MAX=1000000000 OIDC_PROVIDER_SCOPES=bench:read \
  REDIS_URL=${3:-} REDIS_KEY_PREFIX="bench-$RANDOM:" SESSION_CACHE=${SESSION_CACHE_CHOICE:-auto} \
  BEEP_IAM_DATA_DIR=$data DATABASE_URL=$1 SESSION_COOKIE_CACHE_MAX_AGE=$2 PORT=$PORT RATE_LIMIT_ENABLED=false \
    BETTER_AUTH_SECRET=bench-secret-0123456789abcdef0123456789abcdef RUST_LOG=warn "$BIN" serve >"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/health/ready" && return 0; sleep 0.1; done
  echo "server did not start" >&2; cat "$OUT/server.log" >&2; exit 1
}

rss_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

sign_in_cookies() { # prints "token_cookie|data_cookie|bearer"
  curl -fs -o /dev/null -X POST "http://127.0.0.1:$PORT/api/auth/sign-up/email" -H 'content-type: application/json' \
    -d "{\"name\":\"Bench\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" || true
  local headers
  headers=$(curl -fs -D - -o /dev/null -X POST "http://127.0.0.1:$PORT/api/auth/sign-in/email" \
    -H 'content-type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | tr -d '\r')
  local token data bearer
  token=$(printf '%s\n' "$headers" | sed -n 's/^set-cookie: \(better-auth.session_token=[^;]*\).*/\1/Ip')
  data=$(printf '%s\n' "$headers" | sed -n 's/^set-cookie: \(better-auth.session_data=[^;]*\).*/\1/Ip')
  bearer=$(printf '%s\n' "$headers" | sed -n 's/^set-auth-token: //Ip')
  printf '%s|%s|%s\n' "$token" "$data" "$bearer"
}

machine_client() { # database_url; prints "client_id|client_secret" of a client_credentials client
  local admin="bench-admin-$RANDOM$RANDOM@example.com" headers cookie
  printf '%s\n' "$PASSWORD" | BETTER_AUTH_SECRET=bench-secret-0123456789abcdef0123456789abcdef \
    DATABASE_URL=$1 BEEP_IAM_DATA_DIR=$(mktemp -d) RUST_LOG=warn "$BIN" user create --email "$admin" --name Admin --role admin >/dev/null
  headers=$(curl -fs -D - -o /dev/null -X POST "http://127.0.0.1:$PORT/api/auth/sign-in/email" \
    -H 'content-type: application/json' -d "{\"email\":\"$admin\",\"password\":\"$PASSWORD\"}" | tr -d '\r')
  cookie=$(printf '%s\n' "$headers" | sed -n 's/^set-cookie: \(better-auth.session_token=[^;]*\).*/\1/Ip')
  curl -fs -X POST "http://127.0.0.1:$PORT/api/auth/oauth2/create-client" -H 'content-type: application/json' \
    -H "origin: http://127.0.0.1:$PORT" -H "cookie: $cookie" \
    -d '{"client_name":"bench","grant_types":["client_credentials"],"client_credentials_scopes":["bench:read"]}' \
    | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["client_id"] + "|" + c["client_secret"])'
}

echo "== raw argon2id rate (same parameters, all cores)"
raw=$(target/release/examples/argon2_rate 5)
echo "{\"system\":\"beep-iam\",\"db\":\"-\",\"scenario\":\"raw-argon2id\",${raw#\{}" | tee -a "$OUT/results.jsonl"

for db in sqlite postgres postgres+redis; do
  redis=
  SESSION_CACHE_CHOICE=auto
  [ "$db" = postgres+redis ] && redis=redis://127.0.0.1:6379 && SESSION_CACHE_CHOICE=shared
  if [ "$db" = sqlite ]; then
    url="sqlite://$(mktemp -d)/bench.db?mode=rwc"
  else
    name="beep_bench_$(date +%s)"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $name"
    url="postgres://postgres@127.0.0.1:5432/$name"
  fi
  tag="\"system\":\"beep-iam\",\"db\":\"$db\""

  echo "== $db: cookie cache off"
  start_server "$url" 0 "$redis"
  echo "{$tag,\"scenario\":\"idle-rss\",\"rss_kib\":$(rss_kib "$SERVER_PID" VmRSS)}" | tee -a "$OUT/results.jsonl"
  IFS='|' read -r token _ bearer < <(sign_in_cookies)
  run_wrk ok "$DURATION" "$CONNS" | record "$tag,\"scenario\":\"ok\""
  run_wrk get-session "$DURATION" "$CONNS" BENCH_COOKIE="$token" | record "$tag,\"scenario\":\"get-session-cache-off\""
  run_wrk get-session "$DURATION" "$CONNS" BENCH_BEARER="$bearer" | record "$tag,\"scenario\":\"get-session-bearer\""
  # The organization family's reads: the caller's active (personal) organization with its
  # members, invitations and teams; and a permission check (a POST, so with the origin).
  run_wrk route "$DURATION" "$CONNS" BENCH_COOKIE="$token" BENCH_PATH=/organization/get-full-organization \
    | record "$tag,\"scenario\":\"org-get-full\""
  run_wrk route "$DURATION" "$CONNS" BENCH_COOKIE="$token" BENCH_METHOD=POST BENCH_PATH=/organization/has-permission \
    BENCH_ORIGIN="http://127.0.0.1:$PORT" BENCH_BODY='{"permissions":{"member":["create"]}}' \
    | record "$tag,\"scenario\":\"org-has-permission\""
  # Starting a social sign-in: a sealed state row written per request, and the provider's URL.
  run_wrk route "$DURATION" "$CONNS" BENCH_METHOD=POST BENCH_PATH=/sign-in/social \
    BENCH_ORIGIN="http://127.0.0.1:$PORT" BENCH_BODY='{"provider":"github","callbackURL":"/"}' \
    | record "$tag,\"scenario\":\"social-start\""
  # Starting a passkey sign-in: a challenge row written per request, and the request options.
  run_wrk route "$DURATION" "$CONNS" BENCH_PATH=/passkey/generate-authenticate-options \
    | record "$tag,\"scenario\":\"passkey-options\""
  # JWTs: a token of the session signed with the in-memory key; the key set read per request.
  run_wrk route "$DURATION" "$CONNS" BENCH_COOKIE="$token" BENCH_PATH=/token \
    | record "$tag,\"scenario\":\"jwt-token\""
  run_wrk route "$DURATION" "$CONNS" BENCH_PATH=/jwks | record "$tag,\"scenario\":\"jwks\""
  # API keys: each use is one lookup by digest and one version-guarded update of the counters.
  key=$(curl -fs -X POST "http://127.0.0.1:$PORT/api/auth/api-key/create" -H 'content-type: application/json' \
    -H "origin: http://127.0.0.1:$PORT" -H "cookie: $token" -d '{"name":"bench"}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  run_wrk route "$DURATION" "$CONNS" BENCH_METHOD=POST BENCH_PATH=/api-key/verify BENCH_BODY="{\"key\":\"$key\"}" \
    | record "$tag,\"scenario\":\"api-key-verify\""
  run_wrk route "$DURATION" "$CONNS" BENCH_PATH=/get-session BENCH_API_KEY="$key" \
    | record "$tag,\"scenario\":\"get-session-api-key\""
  # The OAuth provider: a machine client an admin registered takes client_credentials tokens
  # (one row written per grant), and a resource server introspects one (one lookup by digest).
  IFS='|' read -r client_id client_secret < <(machine_client "$url")
  basic="Basic $(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)"
  run_wrk route "$DURATION" "$CONNS" BENCH_METHOD=POST BENCH_PATH=/oauth2/token BENCH_AUTHORIZATION="$basic" \
    BENCH_CONTENT_TYPE=application/x-www-form-urlencoded BENCH_BODY='grant_type=client_credentials' \
    | record "$tag,\"scenario\":\"oauth-client-credentials\""
  access=$(curl -fs -X POST "http://127.0.0.1:$PORT/api/auth/oauth2/token" -H "authorization: $basic" \
    -d grant_type=client_credentials | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  run_wrk route "$DURATION" "$CONNS" BENCH_METHOD=POST BENCH_PATH=/oauth2/introspect BENCH_AUTHORIZATION="$basic" \
    BENCH_CONTENT_TYPE=application/x-www-form-urlencoded BENCH_BODY="token=$access" \
    | record "$tag,\"scenario\":\"oauth-introspect\""
  # A relying party reads its signed-in user: one token lookup by digest, one user read.
  user_access=$(python3 bench/oauth_user_token.py "http://127.0.0.1:$PORT" "$token")
  run_wrk route "$DURATION" "$CONNS" BENCH_PATH=/oauth2/userinfo BENCH_AUTHORIZATION="Bearer $user_access" \
    | record "$tag,\"scenario\":\"oauth-userinfo\""
  # Hashing does not depend on Redis: the password scenarios run once per database.
  if [ -z "$redis" ]; then
    run_wrk get-session "$DURATION" 8 BENCH_COOKIE="$token" | record "$tag,\"scenario\":\"get-session-quiet-c8\""
    run_wrk sign-in "$DURATION" 64 >"$OUT/storm.txt" &
    storm=$!
    sleep 2
    run_wrk get-session 8s 8 BENCH_COOKIE="$token" | record "$tag,\"scenario\":\"get-session-during-sign-in-storm-c8\""
    wait $storm
    record "$tag,\"scenario\":\"sign-in-storm-c64\",\"peak_rss_kib\":$(rss_kib "$SERVER_PID" VmHWM)" <"$OUT/storm.txt"
    # The hash rate drifts on a shared machine: the raw rate is measured just before and just
    # after the sign-in run, and the ratio uses their mean.
    raw=$(target/release/examples/argon2_rate 5)
    echo "{$tag,\"scenario\":\"raw-argon2id-before\",${raw#\{}" | tee -a "$OUT/results.jsonl"
    run_wrk sign-in "$DURATION" "$CONNS" | record "$tag,\"scenario\":\"sign-in\""
    raw=$(target/release/examples/argon2_rate 5)
    echo "{$tag,\"scenario\":\"raw-argon2id-after\",${raw#\{}" | tee -a "$OUT/results.jsonl"
    run_wrk sign-up "$DURATION" "$CONNS" | record "$tag,\"scenario\":\"sign-up\",\"peak_rss_kib\":$(rss_kib "$SERVER_PID" VmHWM)"
  fi
  stop_server

  echo "== $db: cookie cache on"
  start_server "$url" 300 "$redis"
  IFS='|' read -r token data _ < <(sign_in_cookies)
  run_wrk ok "$DURATION" "$CONNS" | record "$tag,\"scenario\":\"ok-2\""
  run_wrk get-session "$DURATION" "$CONNS" BENCH_COOKIE="$token; $data" | record "$tag,\"scenario\":\"get-session-cache-on\""
  stop_server
  [ "$db" != sqlite ] && psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"
done

if [ "$PEER" = 1 ]; then
  echo "== better-auth (../shared/peers/better-auth), PostgreSQL, rate limit off"
  peer=../shared/peers/better-auth
  (cd "$peer" && RUNS=1 DURATION="$DURATION" WARMUP=3s QUIET_CPU=100 NICE=0 MODES="get-session sign-in sign-up" ./bench.sh) >"$OUT/peer.log" 2>&1 \
    || { echo "peer benchmark failed; see $OUT/peer.log" >&2; tail -20 "$OUT/peer.log" >&2; }
  latest=$(ls -td "$peer"/bench/out/*/ 2>/dev/null | head -1)
  if [ -n "$latest" ] && [ -s "$latest/results.jsonl" ]; then
    sed 's/^{/{"system":"better-auth","db":"postgres",/' "$latest/results.jsonl" | tee -a "$OUT/results.jsonl"
  fi
fi

python3 bench/summary.py "$OUT/results.jsonl" | tee "$OUT/summary.md"
echo "results in $OUT"
