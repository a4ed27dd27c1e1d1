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
sink_pid=
idp_pid=
status=1

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; fi
  if [ -n "$idp_pid" ]; then kill "$idp_pid" 2>/dev/null || true; wait "$idp_pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ]; then echo "---- server log (last 60 lines) ----" >&2; tail -n 60 "$tmp/server.log" >&2 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

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

OAUTH_PROVIDER_NAMES=idp OAUTH_PROVIDER_IDP_ISSUER=http://127.0.0.1:$idp_port \
OAUTH_PROVIDER_IDP_CLIENT_ID=beep-test OAUTH_PROVIDER_IDP_CLIENT_SECRET=beep-test-secret \
EMAIL_TRANSPORT=smtp SMTP_URL=smtp://127.0.0.1:$sink_port EMAIL_POLL_INTERVAL_MS=100 \
BEEP_IAM_ENV=development HOST=127.0.0.1 PORT=$port BETTER_AUTH_URL=$url BETTER_AUTH_SECRET=$SECRET \
  DATABASE_URL=${DATABASE_URL:-sqlite://$tmp/compat.db?mode=rwc} BEEP_IAM_DATA_DIR=$tmp RATE_LIMIT_ENABLED=false \
  "$BIN" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 100); do   # up to 20 s
  curl -fs -o /dev/null "$url/health/ready" && break
  kill -0 "$server_pid" 2>/dev/null || { echo "run.sh: server exited during start-up" >&2; exit 1; }
  sleep 0.2
done
curl -fs -o /dev/null "$url/health/ready" || { echo "run.sh: $url/health/ready not 200 after 20 s" >&2; exit 1; }

set +e
BEEP_IAM_URL=$url BEEP_IAM_IDP=http://127.0.0.1:$idp_port BETTER_AUTH_SECRET=$SECRET BEEP_IAM_MAIL_DIR=$tmp/mail node --test compat/compat.test.mjs
status=$?
exit "$status"
