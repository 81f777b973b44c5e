#!/usr/bin/env bash
# Idempotent install of the binaries needed by the local Sigstore instance.
#
#   scripts/local_sigstore/install.sh            # install everything missing
#   LOCAL_SIGSTORE_JOBS=1 scripts/local_sigstore/install.sh
#
# Binaries go to $LOCAL_SIGSTORE_BIN (default $HOME/.cache/sigstore-ts-local),
# each under <bin>/<name>-<version>/ so that pinned versions never collide
# (TesseraCT and rekor-tiles both build a binary called `posix`).
# MariaDB comes from Debian (apt-get) when mysqld is not on the PATH.
set -euo pipefail

BIN_ROOT="${LOCAL_SIGSTORE_BIN:-$HOME/.cache/sigstore-ts-local}"
JOBS="${LOCAL_SIGSTORE_JOBS:-2}"
mkdir -p "$BIN_ROOT/logs"

# name|module@version|binary name produced by go install
PKGS=(
  "tsa|github.com/sigstore/timestamp-authority/v2/cmd/timestamp-server@v2.1.3|timestamp-server"
  "fulcio|github.com/sigstore/fulcio@v1.8.8|fulcio"
  "tesseract|github.com/transparency-dev/tesseract/cmd/tesseract/posix@v0.1.1|posix"
  "rekor-tiles|github.com/sigstore/rekor-tiles/v2/cmd/rekor-server/posix@v2.3.0|posix"
  "rekor|github.com/sigstore/rekor/cmd/rekor-server@v1.5.4|rekor-server"
  "trillian|github.com/google/trillian/cmd/trillian_log_server@v1.7.3|trillian_log_server"
  "trillian|github.com/google/trillian/cmd/trillian_log_signer@v1.7.3|trillian_log_signer"
  "trillian|github.com/google/trillian/cmd/createtree@v1.7.3|createtree"
)
if [[ "${LOCAL_SIGSTORE_COSIGN:-0}" == 1 ]]; then
  PKGS+=("cosign|github.com/sigstore/cosign/v3/cmd/cosign@v3.1.2|cosign")
fi

export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export CGO_ENABLED="${CGO_ENABLED:-0}"

t_all=$(date +%s)

install_one() {
  local name="$1" mod="$2" binname="$3"
  local ver="${mod##*@}"
  local dir="$BIN_ROOT/$name-$ver"
  if [[ -x "$dir/$binname" ]]; then
    echo "[install] $name $binname $ver: cached"
    return 0
  fi
  mkdir -p "$dir"
  local t0; t0=$(date +%s)
  local log="$BIN_ROOT/logs/$name-$binname-$ver.log"
  if GOBIN="$dir" go install "$mod" >"$log" 2>&1; then
    echo "[install] $name $binname $ver: built in $(( $(date +%s) - t0 ))s"
  else
    echo "[install] $name $binname $ver: FAILED after $(( $(date +%s) - t0 ))s (log: $log)" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
}

# MariaDB (for Trillian / Rekor v1).
if ! command -v mysqld >/dev/null 2>&1 && [[ ! -x /usr/sbin/mysqld && ! -x /usr/sbin/mariadbd ]]; then
  t0=$(date +%s)
  echo "[install] mariadb-server via apt-get"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >"$BIN_ROOT/logs/apt.log" 2>&1 || true
  (
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      mariadb-server mariadb-client >>"$BIN_ROOT/logs/apt.log" 2>&1
    rc=$?
    echo "[install] mariadb-server: apt-get finished in $(( $(date +%s) - t0 ))s (rc=$rc)"
    exit $rc
  ) &
  APT_PID=$!
else
  APT_PID=
fi
command -v openssl >/dev/null || echo "[install] WARNING: openssl not found" >&2

# Run go installs with at most $JOBS in parallel.
fail=0
pids=()
for spec in "${PKGS[@]}"; do
  IFS='|' read -r name mod binname <<<"$spec"
  while (( $(jobs -rp | grep -v "^${APT_PID:-x}$" | wc -l) >= JOBS )); do sleep 1; done
  install_one "$name" "$mod" "$binname" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
if [[ -n "$APT_PID" ]]; then
  if wait "$APT_PID"; then :
  else echo "[install] mariadb-server install FAILED (see $BIN_ROOT/logs/apt.log)" >&2; fail=1; fi
fi

# Trillian MySQL schema, from the module cache.
if [[ ! -f "$BIN_ROOT/trillian-v1.7.3/storage.sql" ]]; then
  moddir=$(go mod download -json github.com/google/trillian@v1.7.3 | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  cp "$moddir/storage/mysql/schema/storage.sql" "$BIN_ROOT/trillian-v1.7.3/storage.sql"
  chmod 644 "$BIN_ROOT/trillian-v1.7.3/storage.sql"
fi

# The reference Python client, for the interoperability tests (pinned, in a venv).
SIGSTORE_PY_VERSION="${SIGSTORE_PY_VERSION:-4.5.1}"
VENV="$BIN_ROOT/sigstore-python-$SIGSTORE_PY_VERSION"
if [[ ! -x "$VENV/bin/sigstore" ]]; then
  t0=$(date +%s)
  if python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "sigstore==$SIGSTORE_PY_VERSION" >"$BIN_ROOT/logs/pip.log" 2>&1; then
    echo "[install] sigstore-python $SIGSTORE_PY_VERSION: installed in $(( $(date +%s) - t0 ))s"
  else
    echo "[install] sigstore-python $SIGSTORE_PY_VERSION: FAILED (see $BIN_ROOT/logs/pip.log)" >&2
    fail=1
  fi
fi

echo "[install] total $(( $(date +%s) - t_all ))s, binaries in $BIN_ROOT"
exit $fail
