#!/usr/bin/env bash
# Runs the better-auth client compatibility suite against a freshly started beep-iam server.
# Usage (from the repo root): compat/run.sh      Binary: ${BEEP_IAM_BIN:-target/debug/beep-iam}
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BEEP_IAM_BIN:-target/debug/beep-iam}
SECRET=compat-secret-0123456789abcdef0123456789abcdef
[ -x "$BIN" ] || { echo "run.sh: server binary $BIN not found (build it first, e.g. cargo build)" >&2; exit 2; }

# Install the pinned client when node_modules is missing or older than the lockfile.
if [ ! -f compat/node_modules/.package-lock.json ] || [ compat/package-lock.json -nt compat/node_modules/.package-lock.json ]; then
  (cd compat && npm ci --no-audit --no-fund)
fi

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
tmp=$(mktemp -d)
url=http://127.0.0.1:$port
server_pid=
browser_server_pid=
sink_pid=
idp_pid=
status=1

stop() { if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  stop "$server_pid"; stop "$browser_server_pid"; stop "$sink_pid"; stop "$idp_pid"
  if [ "$status" -ne 0 ]; then
    for log in "$tmp/server.log" "$tmp/browser-server.log"; do
      [ -f "$log" ] || continue
      echo "---- $(basename "$log") (last 60 lines) ----" >&2; tail -n 60 "$log" >&2 || true
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Waits up to 20 s for the server at $1 (process $2) to answer /health/ready.
wait_ready() {
  for _ in $(seq 100); do
    curl -fs -o /dev/null "$1/health/ready" && return 0
    kill -0 "$2" 2>/dev/null || { echo "run.sh: server $1 exited during start-up" >&2; return 1; }
    sleep 0.2
  done
  echo "run.sh: $1/health/ready not 200 after 20 s" >&2
  return 1
}

# A real SMTP server (aiosmtpd) receives the server's mail; the tests read it from $tmp/mail.
scripts/python-env.sh
mkdir -p "$tmp/mail"
.venv/bin/python scripts/smtp_sink.py --port 0 --dir "$tmp/mail" >"$tmp/sink.out" 2>"$tmp/sink.log" &
sink_pid=$!
for _ in $(seq 100); do
  grep -q LISTENING "$tmp/sink.out" 2>/dev/null && break
  sleep 0.1
done
sink_port=$(awk '/LISTENING/ {print $2}' "$tmp/sink.out")
[ -n "$sink_port" ] || { echo "run.sh: the SMTP sink did not start" >&2; cat "$tmp/sink.log" >&2; exit 1; }

# A real OpenID provider (npm oidc-provider) stands in for a social provider named `idp`. It
# exits when its stdin closes, so fd 3 (a fifo this script holds open) is its stdin.
[ -d scripts/oidc_idp/node_modules ] || (cd scripts/oidc_idp && npm ci --no-audit --no-fund)
mkfifo "$tmp/idp.in"
exec 3<>"$tmp/idp.in"
node scripts/oidc_idp/idp.mjs --port 0 <&3 >"$tmp/idp.out" 2>"$tmp/idp.log" &
idp_pid=$!
for _ in $(seq 100); do
  grep -q LISTENING "$tmp/idp.out" 2>/dev/null && break
  sleep 0.1
done
idp_port=$(awk '/LISTENING/ {print $2}' "$tmp/idp.out")
[ -n "$idp_port" ] || { echo "run.sh: the OpenID provider did not start" >&2; cat "$tmp/idp.log" >&2; exit 1; }

# The first admin, made as an operator would: `beep-iam user create --role admin`.
admin_email=compat-admin@example.com
admin_password=Compat-Admin-Passphrase-0123
db_url=${DATABASE_URL:-sqlite://$tmp/compat.db?mode=rwc}
printf '%s\n' "$admin_password" | BEEP_IAM_ENV=development BETTER_AUTH_SECRET=$SECRET DATABASE_URL=$db_url \
  BEEP_IAM_DATA_DIR=$tmp "$BIN" user create --email "$admin_email" --name Admin --role admin >"$tmp/admin.log" 2>&1 \
  || { echo "run.sh: could not create the admin" >&2; cat "$tmp/admin.log" >&2; exit 1; }

OAUTH_PROVIDER_NAMES=idp OAUTH_PROVIDER_IDP_ISSUER=http://127.0.0.1:$idp_port \
OAUTH_PROVIDER_IDP_CLIENT_ID=beep-test OAUTH_PROVIDER_IDP_CLIENT_SECRET=beep-test-secret \
EMAIL_TRANSPORT=smtp SMTP_URL=smtp://127.0.0.1:$sink_port EMAIL_POLL_INTERVAL_MS=100 \
API_KEY_SESSIONS=true BEEP_IAM_ENV=development HOST=127.0.0.1 PORT=$port BETTER_AUTH_URL=$url BETTER_AUTH_SECRET=$SECRET \
  DATABASE_URL=$db_url BEEP_IAM_DATA_DIR=$tmp RATE_LIMIT_ENABLED=false \
  "$BIN" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

wait_ready "$url" "$server_pid"

set +e
BEEP_IAM_URL=$url BEEP_IAM_IDP=http://127.0.0.1:$idp_port BETTER_AUTH_SECRET=$SECRET BEEP_IAM_MAIL_DIR=$tmp/mail \
  BEEP_IAM_ADMIN_EMAIL=$admin_email BEEP_IAM_ADMIN_PASSWORD=$admin_password node --test compat/compat.test.mjs
status=$?

# Passkeys in headless Chromium (COMPAT_BROWSER=0 skips it). WebAuthn refuses an IP address as
# the relying-party id, and the rpID is BETTER_AUTH_URL's host, so a second server on the same
# database (its own SQLite file when DATABASE_URL is unset) is reached as http://localhost:PORT (a
# secure context; Chromium maps localhost to loopback).
if [ "${COMPAT_BROWSER:-1}" != 0 ]; then
  chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
  [ -x "$chromium" ] || { echo "run.sh: $chromium not found (apt-get install chromium)" >&2; status=1; exit 1; }
  bport=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  burl=http://localhost:$bport
  mkdir -p "$tmp/browser"
  BEEP_IAM_ENV=development HOST=127.0.0.1 PORT=$bport BETTER_AUTH_URL=$burl BETTER_AUTH_SECRET=$SECRET \
    DATABASE_URL="${DATABASE_URL:-sqlite://$tmp/browser/compat.db?mode=rwc}" BEEP_IAM_DATA_DIR=$tmp/browser RATE_LIMIT_ENABLED=false \
    "$BIN" serve >"$tmp/browser-server.log" 2>&1 &
  browser_server_pid=$!
  if wait_ready "$burl" "$browser_server_pid"; then
    BEEP_IAM_URL=$burl CHROMIUM_PATH=$chromium node --test compat/passkey.browser.test.mjs
    browser_status=$?
  else
    browser_status=1
  fi
  [ "$status" -ne 0 ] || status=$browser_status
fi
exit "$status"
