#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for FUZZ_SECONDS each (default 20), without a
# sanitizer (so on the stable toolchain), and fails if any target finds a crash.
#
#   scripts/fuzz.sh                      # the bounded run CI does
#   FUZZ_SECONDS=600 scripts/fuzz.sh     # a longer run by hand
#   FUZZ_TARGETS="callback_url" scripts/fuzz.sh   # only some targets
#
# Each target runs on a copy of its corpus in a temporary directory, so a run never grows
# the committed corpus in fuzz/corpus/. To keep what a long run found, minimise it into
# the committed corpus by hand, for example:
#
#   FUZZ_KEEP=1 FUZZ_SECONDS=600 scripts/fuzz.sh   # prints where the grown corpora are
#   cp <printed dir>/callback_url/* fuzz/corpus/callback_url/
#   cargo fuzz cmin -s none callback_url          # then review and commit what is left
#
# A crash leaves its input in fuzz/artifacts/<target>/ (git-ignored); reproduce it with
#   cargo fuzz run -s none <target> fuzz/artifacts/<target>/<crash-file>
# and, once fixed, add it to fuzz/corpus/<target>/ as a regression seed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
targets="${FUZZ_TARGETS:-session_cookie bearer_token request_body callback_url cookie_cache organization_request social_input two_factor_request webauthn_input}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

# One build of every target into fuzz/target; the runs below reuse it (same flags).
echo "== cargo fuzz build"
cargo fuzz build -s none

work="$(mktemp -d)"
if [[ -z "${FUZZ_KEEP:-}" ]]; then
    trap 'rm -rf "$work"' EXIT
fi

failed=()
for target in $targets; do
    echo "== cargo fuzz run $target (${seconds}s)"
    mkdir -p "$work/$target"
    cp -R "fuzz/corpus/$target/." "$work/$target/"
    touch "$work/$target.start"
    if ! cargo fuzz run -s none "$target" "$work/$target" -- \
        -max_total_time="$seconds" -timeout=10 -verbosity=0 -print_final_stats=1; then
        failed+=("$target")
        # The log may outlive the checkout (CI): print the failing inputs themselves.
        find "fuzz/artifacts/$target" -type f -newer "$work/$target.start" 2>/dev/null |
            while read -r input; do
                echo "failing input $input (base64): $(base64 -w0 "$input")"
            done || true
    fi
done

if [[ -n "${FUZZ_KEEP:-}" ]]; then
    echo "== grown corpora kept in $work"
fi
if ((${#failed[@]})); then
    echo "fuzz: crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz: ${seconds}s per target, no crash"
