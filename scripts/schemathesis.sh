#!/usr/bin/env bash
# Runs schemathesis (PyPI, pinned in scripts/python-env.sh) against the debug server, driven
# by the server's own /api/auth/openapi.json, and fails on any 5xx, any response that breaks
# its documented schema, status code, content type or headers, and any crash.
#
#   scripts/schemathesis.sh                                  # the bounded run test.sh does
#   SCHEMATHESIS_MAX_EXAMPLES=500 scripts/schemathesis.sh    # a longer run by hand
#   SCHEMATHESIS_SEED=random scripts/schemathesis.sh         # other inputs than CI's
#
# The server runs on a temporary SQLite database and data folder, with the rate limiter off:
# with better-auth's limits (3 per 10 s on sign-in and sign-up) nearly every generated
# request would be a 429, which is documented and so would pass while testing nothing.
#
# Each run has its own freshly signed-up user and bearer token:
#   1. every operation but the ones that can end the caller's own session or account, so the
#      token stays valid and the authenticated routes are exercised all the way through;
#   2. then each of those destructive operations alone, with a token of its own: sign-out,
#      revoke-sessions, delete-user, and revoke-session (its stateful phase feeds it the
#      handle list-sessions returned). The first success ends the session; what follows
#      checks the 401 and error paths.
# Every request carries `Origin: <base URL>`, so the cookies a sign-in sets during the
# stateful phase pass the origin check instead of turning every later POST into a 403 (the
# origin check itself is covered by the Rust HTTP tests).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BEEP_IAM_BIN:-target/debug/beep-iam}
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-100}
# A fixed seed makes a CI failure reproducible; `random` lets schemathesis pick one (it
# prints it, so a failure can still be replayed).
seed=${SCHEMATHESIS_SEED:-20261122}
# Hard bound on each run, whatever the examples count asks for.
run_timeout=${SCHEMATHESIS_TIMEOUT:-480}

scripts/python-env.sh
if [ ! -x "$BIN" ]; then
  echo "== building $BIN"
  cargo build -p beep-iam
fi

port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
tmp=$(mktemp -d)
server_pid=
status=1

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ]; then echo "---- server log (last 40 lines) ----" >&2; tail -n 40 "$tmp/server.log" >&2 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

BEEP_IAM_ENV=development HOST=127.0.0.1 PORT=$port BETTER_AUTH_URL=$url \
  BETTER_AUTH_SECRET=schemathesis-secret-0123456789abcdef0123456789 \
  DATABASE_URL="sqlite://$tmp/schemathesis.db?mode=rwc" BEEP_IAM_DATA_DIR=$tmp \
  RATE_LIMIT_ENABLED=false EMAIL_TRANSPORT=log RUST_LOG=warn \
  "$BIN" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 100); do # up to 20 s
  curl -fs -o /dev/null "$url/health/ready" && break
  kill -0 "$server_pid" 2>/dev/null || { echo "schemathesis.sh: server exited during start-up" >&2; exit 1; }
  sleep 0.2
done
curl -fs -o /dev/null "$url/health/ready" || { echo "schemathesis.sh: $url/health/ready not 200 after 20 s" >&2; exit 1; }

# Signs up a new user and prints the bearer token (the `set-auth-token` header).
sign_up() {
  local headers
  headers=$(curl -fs -D - -o /dev/null -X POST "$url/api/auth/sign-up/email" \
    -H 'content-type: application/json' \
    -d "{\"name\":\"Schema Thesis\",\"email\":\"$1\",\"password\":\"Quiet-Lantern-Orbit-2718\"}")
  printf '%s\n' "$headers" | tr -d '\r' | sed -n 's/^set-auth-token: //Ip'
}

# The checks that must hold for every response. Left out, on purpose:
# - positive_data_acceptance: schema-valid input is often refused for reasons a schema cannot
#   express (password strength, unknown tokens, untrusted callback URLs, wrong passwords);
# - negative_data_rejection: bodies accept and ignore unknown fields, as better-auth's do;
# - unsupported_method: wrong methods answer 404 with an empty body, as better-auth does,
#   not 405 (POST /get-session, which better-auth answers with 405, is described);
# - use_after_free, ensure_resource_availability: there are no create/delete resource pairs
#   in this API for them to follow.
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,missing_required_header,ignored_auth

run() {
  local label=$1 token=$2
  shift 2
  echo "== schemathesis: $label"
  local seed_args=(--seed "$seed")
  [ "$seed" = random ] && seed_args=()
  timeout "$run_timeout" .venv/bin/schemathesis run "$url/api/auth/openapi.json" \
    --checks "$checks" \
    --max-examples "$max_examples" \
    "${seed_args[@]}" \
    --max-redirects 0 \
    --generation-with-security-parameters false \
    --request-timeout 10 \
    --workers 1 \
    --no-color \
    -H "Authorization: Bearer $token" \
    -H "Origin: $url" \
    "$@"
}

start=$SECONDS
destructive=(/sign-out /revoke-session /revoke-sessions /delete-user)
token=$(sign_up schemathesis@example.com)
[ -n "$token" ] || { echo "schemathesis.sh: sign-up gave no set-auth-token" >&2; exit 1; }
excluded=()
for path in "${destructive[@]}"; do excluded+=(--exclude-path "$path"); done
run "every operation but those that end the session" "$token" "${excluded[@]}"

for path in "${destructive[@]}"; do
  token=$(sign_up "schemathesis-${path#/}@example.com")
  [ -n "$token" ] || { echo "schemathesis.sh: sign-up gave no set-auth-token" >&2; exit 1; }
  run "$path alone" "$token" --include-path "$path"
done

status=0
echo "schemathesis: no failures ($((SECONDS - start)) s)"
