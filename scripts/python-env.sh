#!/usr/bin/env bash
# Creates the project's Python environment in .venv (used by test helpers such as the SMTP sink,
# scripts/smtp_sink.py). Idempotent: when .venv already has the pinned packages it returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."

AIOSMTPD_VERSION="1.4.6"

if [ -x .venv/bin/python ] \
  && .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('aiosmtpd') != '$AIOSMTPD_VERSION')" 2>/dev/null; then
  exit 0
fi

echo "== creating .venv with aiosmtpd==$AIOSMTPD_VERSION"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
