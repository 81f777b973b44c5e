#!/usr/bin/env bash
# Benchmark (not a test): peak memory of `verify identity` on a 1 GiB artifact.
# The artifact is hashed as a stream (one pass, 1 MiB chunks) and verified
# from its digests. With a local Sigstore instance (run this through
# `bash scripts/local_sigstore.sh run bash scripts/bench_large_file.sh`), the
# file is first signed there, so the measured run is a successful
# verification. Without one, it verifies the file against a genuine bundle
# for another artifact: the whole file is streamed and the run stops at the
# first check that binds the artifact (exit 1).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DENO="$ROOT/node_modules/.bin/deno"
FILE=$(mktemp /tmp/sigstore-ts-1gib.XXXXXX)
trap 'rm -f "$FILE" "$FILE.sigstore.json"' EXIT
head -c 1073741824 /dev/urandom > "$FILE"
echo "artifact: $(stat -c %s "$FILE") bytes"
if [[ -n "${LOCAL_SIGSTORE_STATE:-}" ]]; then
  TOKEN=$(curl -s "$OIDC_URL/token?email=bench@example.com")
  /usr/bin/time -f "sign: peak RSS %M KiB, wall %e s" "$DENO" run -A "$ROOT/cli.ts" --trust-config "$TRUST_CONFIG" \
    sign --identity-token "$TOKEN" "$FILE" 2>&1 | grep -v "^Using"
  set +e
  /usr/bin/time -f "verify: peak RSS %M KiB, wall %e s" "$DENO" run --allow-read --allow-env "$ROOT/cli.ts" \
    --trust-config "$TRUST_CONFIG" verify identity --cert-identity bench@example.com \
    --cert-oidc-issuer "$OIDC_URL" "$FILE"
  echo "exit $?"
else
  CASE="$ROOT/testdata/genuine/java-bundle-v3-prod"
  set +e
  /usr/bin/time -f "verify: peak RSS %M KiB, wall %e s" "$DENO" run --allow-read --allow-env "$ROOT/cli.ts" \
    verify identity --bundle "$CASE/bundle.sigstore.json" \
    --cert-identity "$(cat "$CASE/identity")" --cert-oidc-issuer "$(cat "$CASE/issuer")" "$FILE"
  echo "exit $?"
fi
