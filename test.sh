#!/usr/bin/env bash
# Runs every test of beep-iam: formatting and lints, unit tests, store tests on SQLite and
# PostgreSQL, flow tests, HTTP tests over real sockets, process tests of the binary, and the
# better-auth JS client compatibility suite against the server on SQLite and on PostgreSQL.
# schemathesis fuzzes the HTTP API from its own OpenAPI document after the fuzz targets.
set -euo pipefail
cd "$(dirname "$0")"

scripts/ensure-services.sh
# aiosmtpd: the real SMTP server the mail tests deliver to; schemathesis: the API fuzzer.
scripts/python-env.sh

# npm oidc-provider: the real OpenID provider the social sign-in tests run against.
if [ ! -f scripts/oidc_idp/node_modules/.package-lock.json ] || [ scripts/oidc_idp/package-lock.json -nt scripts/oidc_idp/node_modules/.package-lock.json ]; then
  (cd scripts/oidc_idp && npm ci --no-audit --no-fund)
fi
# npm openid-client, jose and playwright-core: the real relying party, JWT verifier and
# browser driver the OAuth provider tests use.
if [ ! -f scripts/oidc_rp/node_modules/.package-lock.json ] || [ scripts/oidc_rp/package-lock.json -nt scripts/oidc_rp/node_modules/.package-lock.json ]; then
  (cd scripts/oidc_rp && npm ci --no-audit --no-fund)
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked

echo "== fuzz (cargo-fuzz, ${FUZZ_SECONDS:-20}s per target)"
scripts/fuzz.sh

echo "== schemathesis"
scripts/schemathesis.sh

echo "== compat suite (better-auth JS client) on SQLite"
bash compat/run.sh

echo "== compat suite (better-auth JS client) on PostgreSQL"
db="beep_compat_$(date +%s)_$$"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $db" >/dev/null
trap 'psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" bash compat/run.sh
