#!/usr/bin/env bash
# Builds and signs a release on a Sigstore instance, then checks it the way a
# user would: checksums, every bundle verified by sigstore-ts and by cosign
# (and a tampered file refused by both), each executable's format, and the
# Linux arm64 executable running real verifications under qemu-user.
#
# The instance comes from the environment, as `scripts/local_sigstore.sh run`
# exports it (OIDC_URL, TRUST_CONFIG, TRUSTED_ROOT):
#
#   bash scripts/local_sigstore.sh run bash scripts/release_check.sh
#
# Needs qemu-user and the arm64 C library (Debian: qemu-user libc6-arm64-cross),
# and cosign v3.1.2 from `LOCAL_SIGSTORE_COSIGN=1 scripts/local_sigstore.sh install`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

die() { echo "release check: $*" >&2; exit 1; }
for v in OIDC_URL TRUST_CONFIG TRUSTED_ROOT; do
  [[ -n "${!v:-}" ]] || die "$v is not set: run inside scripts/local_sigstore.sh run, or source the instance's env"
done
COSIGN="${LOCAL_SIGSTORE_BIN:-$HOME/.cache/sigstore-ts-local}/cosign-v3.1.2/cosign"
[[ -x "$COSIGN" ]] || die "cosign not found at $COSIGN (LOCAL_SIGSTORE_COSIGN=1 bash scripts/local_sigstore.sh install)"
QEMU=$(command -v qemu-aarch64 || true)
ARM64_LIBC=/usr/aarch64-linux-gnu
[[ -n "$QEMU" && -e "$ARM64_LIBC/lib/ld-linux-aarch64.so.1" ]] ||
  die "qemu-aarch64 or the arm64 C library is missing (apt-get install qemu-user libc6-arm64-cross)"

IDENTITY=release@example.com
work=$(mktemp -d "${TMPDIR:-/tmp}/release-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "-- npm run release, signed on the instance as $IDENTITY"
SIGSTORE_IDENTITY_TOKEN=$(curl -sf "$OIDC_URL/token?email=$IDENTITY") || die "cannot get a token from $OIDC_URL"
export SIGSTORE_IDENTITY_TOKEN
npm run --silent release -- --trust-config "$TRUST_CONFIG"
unset SIGSTORE_IDENTITY_TOKEN
cd dist/release
for f in sigstore-ts-linux-x64 sigstore-ts-linux-arm64 sigstore-ts-darwin-x64 sigstore-ts-darwin-arm64 \
  sigstore-ts-windows-x64.exe; do
  grep -q "  $f\$" SHA256SUMS || die "SHA256SUMS does not list $f"
done
# Every file SHA256SUMS lists (the five, and Deno's builds where deno compile could run), and itself.
mapfile -t FILES < <(awk '{ print $2 }' SHA256SUMS)
FILES+=(SHA256SUMS)
for f in "${FILES[@]}"; do
  [[ -s "$f" && -s "$f.sigstore.json" ]] || die "dist/release/$f or its bundle is missing"
done

echo "-- checksums"
sha256sum --check --strict SHA256SUMS

echo "-- each executable is built for its target (ELF machine, Mach-O CPU type, PE)"
header() { od -An -tx1 -N"$2" "$1" | tr -d ' \n'; }
expect_header() { # FILE OFFSET-BYTES HEX DESCRIPTION
  local got
  got=$(header "$1" "$2")
  [[ "$got" == $3* || "$got" == *"$3" ]] || die "$1 is not $4 (header $got)"
  echo "$1: $4"
}
expect_header sigstore-ts-linux-x64 20 "3e00" "ELF x86-64"    # e_machine at offset 18
expect_header sigstore-ts-linux-arm64 20 "b700" "ELF AArch64"
expect_header sigstore-ts-darwin-x64 8 "cffaedfe07000001" "Mach-O x86-64"
expect_header sigstore-ts-darwin-arm64 8 "cffaedfe0c000001" "Mach-O arm64"
expect_header sigstore-ts-windows-x64.exe 2 "4d5a" "PE (MZ)"

# The x64 executable runs from an empty directory: nothing outside the file is needed.
EXE="$work/bin/sigstore-ts"
mkdir -p "$work/bin" "$work/empty"
cp sigstore-ts-linux-x64 "$EXE"
REL=$PWD
ours() { (cd "$work/empty" && "$EXE" --trust-config "$TRUST_CONFIG" verify identity "$@"); }

echo "-- the executable takes nothing from the directory it runs in (.env, bunfig.toml preload)"
printf 'SIGSTORE_CERT_IDENTITY=%s\nSIGSTORE_CERT_OIDC_ISSUER=%s\n' "$IDENTITY" "$OIDC_URL" >"$work/empty/.env"
echo 'console.error("PRELOAD RAN")' >"$work/empty/preload.js"
echo 'preload = ["./preload.js"]' >"$work/empty/bunfig.toml"
if ours "$REL/SHA256SUMS" >"$work/out" 2>&1 || grep -q "PRELOAD RAN" "$work/out"; then
  die "the executable used the working directory's .env or bunfig.toml: $(cat "$work/out")"
fi
echo "ignored: $(head -n1 "$work/out")"

echo "-- sigstore-ts verifies every bundle"
paths=()
for f in "${FILES[@]}"; do paths+=("$REL/$f"); done
ours --cert-identity "$IDENTITY" --cert-oidc-issuer "$OIDC_URL" "${paths[@]}"

echo "-- cosign verifies every bundle"
for f in "${FILES[@]}"; do
  "$COSIGN" verify-blob --bundle "$f.sigstore.json" --trusted-root "$TRUSTED_ROOT" \
    --certificate-identity "$IDENTITY" --certificate-oidc-issuer "$OIDC_URL" "$f" 2>&1 | sed "s|^|$f: |"
done

echo "-- a tampered SHA256SUMS and a wrong identity are refused"
cp SHA256SUMS "$work/SHA256SUMS"
cp SHA256SUMS.sigstore.json "$work/SHA256SUMS.sigstore.json"
echo "0000000000000000000000000000000000000000000000000000000000000000  evil" >>"$work/SHA256SUMS"
if ours --cert-identity "$IDENTITY" --cert-oidc-issuer "$OIDC_URL" "$work/SHA256SUMS" 2>"$work/err"; then
  die "sigstore-ts accepted a tampered SHA256SUMS"
fi
echo "sigstore-ts: $(head -n1 "$work/err")"
if "$COSIGN" verify-blob --bundle "$work/SHA256SUMS.sigstore.json" --trusted-root "$TRUSTED_ROOT" \
  --certificate-identity "$IDENTITY" --certificate-oidc-issuer "$OIDC_URL" "$work/SHA256SUMS" 2>"$work/err"; then
  die "cosign accepted a tampered SHA256SUMS"
fi
echo "cosign: $(grep -m1 -i error "$work/err")"
if ours --cert-identity mallory@example.com --cert-oidc-issuer "$OIDC_URL" "$REL/SHA256SUMS" 2>"$work/err"; then
  die "sigstore-ts accepted the wrong identity"
fi
echo "sigstore-ts: $(head -n1 "$work/err")"

if [[ -e sigstore-ts-deno-linux-x64 ]]; then
  echo "-- Deno's build (deno compile could download its runtime here)"
  ./sigstore-ts-deno-linux-x64 --trust-config "$TRUST_CONFIG" verify identity --cert-identity "$IDENTITY" \
    --cert-oidc-issuer "$OIDC_URL" SHA256SUMS
fi

echo "-- the linux-arm64 executable under $("$QEMU" --version | head -n1)"
arm64() { "$QEMU" -L "$ARM64_LIBC" "$REL/sigstore-ts-linux-arm64" "$@"; }
arm64 --trust-config "$TRUST_CONFIG" verify identity --cert-identity "$IDENTITY" --cert-oidc-issuer "$OIDC_URL" \
  sigstore-ts-linux-arm64 SHA256SUMS
G="$ROOT/testdata/genuine/java-bundle-v3-prod"
arm64 verify identity --offline --bundle "$G/bundle.sigstore.json" --cert-identity appu@google.com \
  --cert-oidc-issuer https://accounts.google.com "$G/artifact"
if arm64 --trust-config "$TRUST_CONFIG" verify identity --cert-identity "$IDENTITY" \
  --cert-oidc-issuer "$OIDC_URL" "$work/SHA256SUMS" 2>"$work/err"; then
  die "the arm64 executable accepted a tampered SHA256SUMS"
fi
echo "arm64: $(head -n1 "$work/err")"

echo "-- sizes"
ls -l "${FILES[@]}" | awk '{ printf "%-30s %12d bytes %8.1f MiB\n", $9, $5, $5 / 1048576 }'
echo "release check: OK"
