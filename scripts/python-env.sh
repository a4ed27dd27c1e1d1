#!/usr/bin/env bash
# Creates the project's Python environment in .venv: aiosmtpd, the SMTP server the mail tests
# deliver to (scripts/smtp_sink.py), and schemathesis, which fuzzes the HTTP API from its
# OpenAPI document (scripts/schemathesis.sh), and authlib, a real OAuth client the provider
# tests drive (scripts/oidc_rp/authlib_client.py). Idempotent: when .venv already has the
# pinned versions it returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."

AIOSMTPD_VERSION="1.4.6"
SCHEMATHESIS_VERSION="4.32.5"
AUTHLIB_VERSION="1.9.10"
REQUESTS_VERSION="2.34.2"

if [ -x .venv/bin/python ] \
  && .venv/bin/python -c "
import importlib.metadata as m, sys
sys.exit(m.version('aiosmtpd') != '$AIOSMTPD_VERSION' or m.version('schemathesis') != '$SCHEMATHESIS_VERSION' or m.version('authlib') != '$AUTHLIB_VERSION')
" 2>/dev/null; then
  exit 0
fi

echo "== creating .venv with aiosmtpd==$AIOSMTPD_VERSION schemathesis==$SCHEMATHESIS_VERSION authlib==$AUTHLIB_VERSION"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check \
  "aiosmtpd==$AIOSMTPD_VERSION" "schemathesis==$SCHEMATHESIS_VERSION" \
  "authlib==$AUTHLIB_VERSION" "requests==$REQUESTS_VERSION"
