#!/bin/sh
# Benchmark (not a test): peak memory of the CLI on a 1 GiB artifact.
# The artifact is hashed as a stream (one pass, 1 MiB chunks); the whole
# verification pipeline then runs on the digests. No genuine public-good
# bundle signs a 1 GiB file we can ship, so the run verifies the file against
# a genuine bundle for another artifact: it streams all 1 GiB, then stops at
# the first check that binds the artifact (the log entry's digest), exit 1.
# Run: sh scripts/bench_large_file.sh
set -eu
HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
ROOT=$(dirname -- "$HERE")
DENO="$ROOT/node_modules/.bin/deno"
CASE="$ROOT/testdata/genuine/java-bundle-v3-prod"
FILE=$(mktemp /tmp/sigstore-ts-1gib.XXXXXX)
trap 'rm -f "$FILE"' EXIT
head -c 1073741824 /dev/urandom > "$FILE"
echo "artifact: $(stat -c %s "$FILE") bytes"
set +e
/usr/bin/time -f "peak RSS %M KiB, wall %e s" "$DENO" run --allow-read --allow-env "$ROOT/cli.ts" \
  verify identity --bundle "$CASE/bundle.sigstore.json" \
  --cert-identity "$(cat "$CASE/identity")" --cert-oidc-issuer "$(cat "$CASE/issuer")" "$FILE"
echo "exit $?"
