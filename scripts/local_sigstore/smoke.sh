#!/usr/bin/env bash
# End-to-end smoke check of a local Sigstore instance, independent of our client
# for signing: sign a blob with the reference Python client (sigstore-python,
# pinned, in a venv under the binary cache) against Rekor v2 and Rekor v1, then
# verify each bundle with sigstore-python and with our conformance CLI.
#
#   scripts/local_sigstore/smoke.sh [STATE_DIR]
#
# With STATE_DIR, uses that running instance; without, starts one in a
# temporary directory and stops it at the end.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BIN_ROOT="${LOCAL_SIGSTORE_BIN:-$HOME/.cache/sigstore-ts-local}"
SIGSTORE_PY_VERSION="${SIGSTORE_PY_VERSION:-4.5.1}"
VENV="$BIN_ROOT/sigstore-python-$SIGSTORE_PY_VERSION"

if [[ ! -x "$VENV/bin/sigstore" ]]; then
  echo "[smoke] installing sigstore==$SIGSTORE_PY_VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "sigstore==$SIGSTORE_PY_VERSION" >&2
fi

OWN=0
if [[ $# -ge 1 ]]; then
  STATE="$1"
else
  STATE="$(mktemp -d /tmp/local-sigstore.XXXXXX)"
  OWN=1
  "$HERE/start.sh" "$STATE"
fi
cleanup() { if [[ $OWN == 1 ]]; then "$HERE/stop.sh" "$STATE" --clean; fi; }
trap cleanup EXIT

# shellcheck disable=SC1091
. "$STATE/env"
WORK="$(mktemp -d /tmp/local-sigstore-smoke.XXXXXX)"
EMAIL="smoke@sigstore-ts.local"
pass=0; fail=0
check() {
  local what="$1"; shift
  if "$@" >"$WORK/out.log" 2>&1; then
    echo "[smoke] PASS $what"; pass=$((pass + 1))
  else
    echo "[smoke] FAIL $what"; tail -n 15 "$WORK/out.log"; fail=$((fail + 1))
  fi
}

variants=(rekor_v2)
[[ -n "${REKOR_V1_URL:-}" ]] && variants+=(rekor_v1)
for v in "${variants[@]}"; do
  tc="$STATE/trust_config_$v.json"
  art="$WORK/artifact-$v.txt"
  echo "hello from the local sigstore smoke test ($v) $(date +%s%N)" >"$art"
  tok=$(curl -sf "$OIDC_URL/token?email=$EMAIL")
  check "sigstore-python sign ($v)" \
    "$VENV/bin/sigstore" --trust-config "$tc" sign --identity-token "$tok" \
    --bundle "$art.sigstore.json" "$art"
  check "sigstore-python verify ($v)" \
    "$VENV/bin/sigstore" --trust-config "$tc" verify identity --bundle "$art.sigstore.json" \
    --cert-identity "$EMAIL" --cert-oidc-issuer "$OIDC_URL" "$art"
  if [[ -x "$REPO/scripts/conformance-client" ]]; then
    check "sigstore-ts verify ($v)" \
      bash -c 'cd "$1" && ./scripts/conformance-client verify identity --trust-config "$2" \
        --bundle "$3" --cert-identity "$4" --cert-oidc-issuer "$5" "$6"' _ \
      "$REPO" "$tc" "$art.sigstore.json" "$EMAIL" "$OIDC_URL" "$art"
  fi
  cp "$art" "$art.sigstore.json" "$STATE/" 2>/dev/null || true
done
rm -rf "$WORK"
echo "smoke: $pass passed, $fail failed"
[[ $fail == 0 ]]
