#!/bin/sh
# Runs the test suite with Deno and ends with one plain summary line,
# "N passed, N failed", taken from Deno's own summary.
HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
ROOT=$(dirname -- "$HERE")
cd "$ROOT" || exit 2
DENO="$ROOT/node_modules/.bin/deno"
[ -x "$DENO" ] || { echo "deno not installed: run npm ci first" >&2; exit 2; }
log=$(mktemp)
NO_COLOR=1 "$DENO" test --no-prompt --allow-read --allow-env --allow-run --allow-write --allow-net=127.0.0.1 \
  --allow-sys "$@" tests/ 2>&1 | tee "$log"
status=$(tail -n 200 "$log" | grep -E '^(ok|FAILED) \| ' | tail -n 1)
rm -f "$log"
# Count test steps (the individual cases) when Deno reports them, else tests.
count() {
  printf '%s\n' "$status" | sed -n "s/.*| \([0-9]*\) $1\( (\([0-9]*\) steps)\)\{0,1\}.*/\1 \3/p" |
    awk '{ print ($2 != "" ? $2 : $1) }'
}
passed=$(count passed)
failed=$(count failed)
if [ -z "$passed" ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
echo "${passed} passed, ${failed:-0} failed"
[ "${failed:-0}" = 0 ] && case "$status" in ok*) exit 0 ;; esac
exit 1
