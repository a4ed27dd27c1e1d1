#!/usr/bin/env bash
# Smoke test: start the IdP, run one full authorization-code flow (state, nonce, S256 PKCE) with curl,
# exchange the code (client_secret_basic), check the ID token, use the refresh grant, stop the IdP.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --silent

# coproc keeps the IdP's stdin as a pipe: if this script dies, the pipe closes and the IdP exits.
coproc IDP { exec node idp.mjs --port 0; }
PID=$IDP_PID  # bash unsets IDP_PID once the coproc exits
trap 'kill "$PID" 2>/dev/null || true' EXIT
read -r -t 20 word PORT <&"${IDP[0]}"
[ "$word" = LISTENING ] || { echo "unexpected first line: $word $PORT" >&2; exit 1; }
ISS="http://127.0.0.1:$PORT"
echo "IdP up: $ISS"

disc=$(curl -sf "$ISS/.well-known/openid-configuration")
jget() { node -e 'const o=JSON.parse(process.argv[1]); process.stdout.write(String(o[process.argv[2]] ?? ""))' "$1" "$2"; }
AUTHZ=$(jget "$disc" authorization_endpoint); TOKEN=$(jget "$disc" token_endpoint)

VERIFIER=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))')
CHALLENGE=$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(process.argv[1]).digest("base64url"))' "$VERIFIER")
REDIRECT=http://127.0.0.1:9/cb
url="$AUTHZ?response_type=code&client_id=beep-test&scope=openid%20email%20profile%20offline_access\
&redirect_uri=$(node -p 'encodeURIComponent(process.argv[1])' "$REDIRECT")&state=st-123&nonce=n-456\
&code_challenge=$CHALLENGE&code_challenge_method=S256&login_hint=bob%3Bbob%40example.com%3B0%3BBob"

# Follow Location headers by hand (cookie jar kept) and stop at the redirect_uri without requesting it.
JAR=$(mktemp); trap 'kill "$PID" 2>/dev/null || true; rm -f "$JAR"' EXIT
for hop in 1 2 3 4 5 6; do
  case "$url" in "$REDIRECT"*) break ;; esac
  echo "hop $hop: ${url%%\?*}"
  url=$(curl -s -o /dev/null -b "$JAR" -c "$JAR" -w '%{redirect_url}' "$url")
  [ -n "$url" ] || { echo "chain ended without a redirect" >&2; exit 1; }
done
echo "callback: $url"
q() { node -e 'process.stdout.write(new URL(process.argv[1]).searchParams.get(process.argv[2]) ?? "")' "$url" "$1"; }
[ "$(q state)" = st-123 ] || { echo "state not echoed" >&2; exit 1; }
[ "$(q iss)" = "$ISS" ] || { echo "iss (RFC 9207) missing" >&2; exit 1; }
CODE=$(q code); [ -n "$CODE" ] || { echo "no code: $(q error) $(q error_description)" >&2; exit 1; }

tok=$(curl -sf -u beep-test:beep-test-secret "$TOKEN" -d grant_type=authorization_code \
  --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "code_verifier=$VERIFIER")
echo "id_token payload:"
node -e '
  const t = JSON.parse(process.argv[1]);
  const [h, p] = t.id_token.split(".").slice(0, 2).map((s) => JSON.parse(Buffer.from(s, "base64url")));
  console.log(JSON.stringify(p, null, 2));
  const want = { alg: h.alg === "RS256", nonce: p.nonce === "n-456", email: p.email === "bob@example.com",
    email_verified: p.email_verified === false, sub: p.sub === "bob", refresh_token: !!t.refresh_token };
  const bad = Object.keys(want).filter((k) => !want[k]);
  if (bad.length) { console.error("FAILED checks:", bad.join(", ")); process.exit(1); }' "$tok"
RT=$(jget "$tok" refresh_token)

ref=$(curl -sf -u beep-test:beep-test-secret "$TOKEN" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT")
[ -n "$(jget "$ref" access_token)" ] && [ -n "$(jget "$ref" id_token)" ] || { echo "refresh failed: $ref" >&2; exit 1; }
echo "refresh grant ok (rotated: $([ "$(jget "$ref" refresh_token)" != "$RT" ] && echo yes || echo no))"

kill -TERM "$PID"; wait "$PID" 2>/dev/null || true
echo "smoke: 1 passed, 0 failed"
