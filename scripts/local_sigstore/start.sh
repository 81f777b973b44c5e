#!/usr/bin/env bash
# Start a complete local Sigstore instance on 127.0.0.1 with its state in STATE_DIR.
#
#   scripts/local_sigstore/start.sh STATE_DIR
#   . STATE_DIR/env            # OIDC_URL FULCIO_URL REKOR_V1_URL REKOR_V2_URL TSA_URL CT_URL ...
#   scripts/local_sigstore/stop.sh STATE_DIR
#
# Services: OIDC issuer (Deno, this directory), timestamp-authority, Fulcio
# (ephemeral CA), TesseraCT (CT log), Rekor v2 (rekor-tiles, POSIX), Rekor v1
# on Trillian + MariaDB. Set LOCAL_SIGSTORE_NO_REKOR_V1=1 to skip Rekor v1 and
# its Trillian/MariaDB (faster start; REKOR_V1_URL is then empty and the
# trust files list Rekor v2 only).
#
# Writes STATE_DIR/trusted_root.json, signing_config.json (v0.2), trust_config.json
# (ClientTrustConfig), the _rekor_v1/_rekor_v2 variants, STATE_DIR/env, logs in
# STATE_DIR/logs and pid files in STATE_DIR/pids. On failure it stops whatever it
# started and exits non-zero.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BIN_ROOT="${LOCAL_SIGSTORE_BIN:-$HOME/.cache/sigstore-ts-local}"
DENO="${DENO:-$REPO/node_modules/.bin/deno}"
HOST=127.0.0.1
WAIT_SECS="${LOCAL_SIGSTORE_WAIT:-60}"
NO_REKOR_V1="${LOCAL_SIGSTORE_NO_REKOR_V1:-0}"

if [[ $# -ne 1 ]]; then echo "usage: $0 STATE_DIR" >&2; exit 2; fi
mkdir -p "$1"
STATE="$(cd "$1" && pwd)"
LOGS="$STATE/logs"; PIDS="$STATE/pids"; KEYS="$STATE/keys"; DATA="$STATE/data"
mkdir -p "$LOGS" "$PIDS" "$KEYS" "$DATA"

TSA_BIN="$BIN_ROOT/tsa-v2.1.3/timestamp-server"
FULCIO_BIN="$BIN_ROOT/fulcio-v1.8.8/fulcio"
CT_BIN="$BIN_ROOT/tesseract-v0.1.1/posix"
REKOR2_BIN="$BIN_ROOT/rekor-tiles-v2.3.0/posix"
REKOR1_BIN="$BIN_ROOT/rekor-v1.5.4/rekor-server"
TRILLIAN_DIR="$BIN_ROOT/trillian-v1.7.3"
bins=("$TSA_BIN" "$FULCIO_BIN" "$CT_BIN" "$REKOR2_BIN")
if [[ "$NO_REKOR_V1" != 1 ]]; then
  bins+=("$REKOR1_BIN" "$TRILLIAN_DIR/trillian_log_server" "$TRILLIAN_DIR/trillian_log_signer"
    "$TRILLIAN_DIR/createtree" "$TRILLIAN_DIR/storage.sql")
fi
for b in "${bins[@]}"; do
  if [[ ! -e "$b" ]]; then
    echo "[local-sigstore] missing $b: run scripts/local_sigstore/install.sh" >&2
    exit 1
  fi
done

T0=$(date +%s)
log() { echo "[local-sigstore +$(( $(date +%s) - T0 ))s] $*" >&2; }

on_error() {
  local rc=$?
  log "start FAILED (rc=$rc); logs in $LOGS; stopping what was started"
  for f in "$LOGS"/*.log; do
    [[ -f "$f" ]] || continue
    echo "----- tail $f" >&2; tail -n 15 "$f" >&2
  done
  "$HERE/stop.sh" "$STATE" >&2 || true
  exit "$rc"
}
trap on_error ERR

# Allocate N distinct free ports on 127.0.0.1.
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
EOF
}

# start_svc NAME CMD... : run in its own session (so stop.sh can kill the group).
start_svc() {
  local name="$1"; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! >"$PIDS/$name.pid"
}

alive() { kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

# wait_http NAME URL [EXPECTED-CODE-REGEX]
wait_http() {
  local name="$1" url="$2" want="${3:-^2}" deadline=$(( $(date +%s) + WAIT_SECS )) code
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    if [[ "$code" =~ $want ]]; then log "$name ready ($url -> $code)"; return 0; fi
    if ! alive "$name"; then log "$name exited"; return 1; fi
    if (( $(date +%s) > deadline )); then log "$name not ready after ${WAIT_SECS}s ($url -> $code)"; return 1; fi
    sleep 0.3
  done
}

read -r P_OIDC P_TSA P_FULCIO P_FULCIO_METRICS P_CT P_REKOR2 P_REKOR2_GRPC P_REKOR2_METRICS \
  P_MYSQL P_TRILLIAN_RPC P_TRILLIAN_HTTP P_SIGNER_RPC P_SIGNER_HTTP P_REKOR1 P_REKOR1_METRICS P_FULCIO_GRPC \
  <<<"$(free_ports 16)"

OIDC_URL="http://$HOST:$P_OIDC"
TSA_BASE="http://$HOST:$P_TSA"
TSA_URL="$TSA_BASE/api/v1/timestamp"
FULCIO_URL="http://$HOST:$P_FULCIO"
CT_URL="http://$HOST:$P_CT"
# Rekor v2 listens on port 80 when it is free, so its base URL has no port and its
# checkpoint origin is the bare host: clients derive the origin from the base URL in
# different ways when a port is present (with-port works for us and sigstore-python,
# not for sigstore-go/cosign). LOCAL_SIGSTORE_REKOR2_PORT=any picks a free port instead.
if [[ "${LOCAL_SIGSTORE_REKOR2_PORT:-80}" == 80 ]] && ! (exec 3<>"/dev/tcp/$HOST/80") 2>/dev/null; then
  P_REKOR2=80
  REKOR_V2_URL="http://$HOST"
  REKOR2_ORIGIN="$HOST"
else
  REKOR_V2_URL="http://$HOST:$P_REKOR2"
  REKOR2_ORIGIN="$HOST:$P_REKOR2"
fi
REKOR_V1_URL=""
[[ "$NO_REKOR_V1" == 1 ]] || REKOR_V1_URL="http://$HOST:$P_REKOR1"

# The timestamp-authority (and Rekor v1) bind the Prometheus port :2112 on all
# interfaces, hard-coded; the TSA exits if it is taken, so only one instance can
# run on a machine at a time.
if python3 -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1",2112))==0 else 1)'; then
  log "port 2112 is in use (another local Sigstore instance?): the timestamp-authority needs it"
  false
fi

# ---- keys (TesseraCT: ECDSA P-256; Rekor v2: Ed25519) ----
openssl ecparam -name prime256v1 -genkey -noout -out "$KEYS/ct_priv.pem" 2>/dev/null
openssl ec -in "$KEYS/ct_priv.pem" -pubout -out "$KEYS/ct_pub.pem" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$KEYS/rekor_v2_priv.pem" 2>/dev/null
openssl pkey -in "$KEYS/rekor_v2_priv.pem" -pubout -out "$KEYS/rekor_v2_pub.pem" 2>/dev/null

# ---- MariaDB (started early: it initialises while the rest comes up) ----
if [[ "$NO_REKOR_V1" != 1 ]]; then
  MYSQLD=$(command -v mariadbd || command -v mysqld || echo /usr/sbin/mariadbd)
  [[ -x "$MYSQLD" ]] || MYSQLD=/usr/sbin/mysqld
  INSTALL_DB=$(command -v mariadb-install-db || command -v mysql_install_db)
  MYSQL_CLIENT=$(command -v mariadb || command -v mysql)
  run_as=()
  [[ $(id -u) -eq 0 ]] && run_as=(--user=root)
  "$INSTALL_DB" --no-defaults --datadir="$DATA/mysql" "${run_as[@]}" \
    --auth-root-authentication-method=normal --skip-test-db >"$LOGS/mysql-install.log" 2>&1
  start_svc mysql "$MYSQLD" --no-defaults --datadir="$DATA/mysql" "${run_as[@]}" \
    --socket="$DATA/mysqld.sock" --port="$P_MYSQL" --bind-address=$HOST \
    --pid-file="$DATA/mysqld.pid" --skip-name-resolve --innodb-buffer-pool-size=64M \
    --innodb-log-file-size=16M --max-connections=100 --skip-log-bin
fi

# ---- OIDC issuer ----
start_svc oidc "$DENO" run -A "$HERE/oidc_issuer.ts" --host $HOST --port "$P_OIDC"

# ---- timestamp authority (first of the Go servers: its metrics port 2112 is fixed) ----
start_svc tsa "$TSA_BIN" serve --host $HOST --port "$P_TSA" --timestamp-signer memory \
  --disable-ntp-monitoring --log-type prod
wait_http oidc "$OIDC_URL/.well-known/openid-configuration"
wait_http tsa "$TSA_BASE/api/v1/timestamp/certchain"
curl -sf "$TSA_BASE/api/v1/timestamp/certchain" -o "$KEYS/tsa_chain.pem"

# ---- Fulcio (ephemeral CA); the CT log is started after it, from its root ----
# (HTTP and gRPC on distinct ports: v1.8.8's single-port "duplex" mode panics at
# start on a duplicate Prometheus metric registration.)
cat >"$STATE/fulcio_config.json" <<EOF
{
  "OIDCIssuers": {
    "$OIDC_URL": { "IssuerURL": "$OIDC_URL", "ClientID": "sigstore", "Type": "email" }
  }
}
EOF
start_svc fulcio "$FULCIO_BIN" serve --ca ephemeralca --config-path "$STATE/fulcio_config.json" \
  --host $HOST --port "$P_FULCIO" --grpc-host $HOST --grpc-port "$P_FULCIO_GRPC" \
  --metrics-port "$P_FULCIO_METRICS" --legacy-unix-domain-socket "$DATA/fulcio-legacy.sock" \
  --ct-log-url "$CT_URL" --ct-log-public-key-path "$KEYS/ct_pub.pem" --log_type prod
wait_http fulcio "$FULCIO_URL/api/v1/rootCert"
curl -sf "$FULCIO_URL/api/v1/rootCert" -o "$KEYS/fulcio_chain.pem"
# The CT log accepts chains ending in the last (root) certificate of Fulcio's chain.
awk '/BEGIN CERT/{buf=""} {buf=buf $0 "\n"} /END CERT/{last=buf} END{printf "%s", last}' \
  "$KEYS/fulcio_chain.pem" >"$KEYS/fulcio_root.pem"

# ---- CT log (TesseraCT, POSIX); its origin must parse as a scheme-less URL (no port) ----
mkdir -p "$DATA/ct"
start_svc ct "$CT_BIN" --http_endpoint "$HOST:$P_CT" --origin "$HOST/ct" \
  --storage_dir "$DATA/ct" --roots_pem_file "$KEYS/fulcio_root.pem" \
  --private_key "$KEYS/ct_priv.pem" --checkpoint_interval 500ms
wait_http ct "$CT_URL/ct/v1/get-roots"

# ---- Rekor v2 (rekor-tiles, POSIX) ----
mkdir -p "$DATA/rekor2"
start_svc rekor2 "$REKOR2_BIN" serve --http-address $HOST --http-port "$P_REKOR2" \
  --grpc-address $HOST --grpc-port "$P_REKOR2_GRPC" --http-metrics-port "$P_REKOR2_METRICS" \
  --hostname "$REKOR2_ORIGIN" --storage-dir "$DATA/rekor2" \
  --signer-filepath "$KEYS/rekor_v2_priv.pem" --checkpoint-interval 500ms
wait_http rekor2 "$REKOR_V2_URL/healthz" '^(2|404)'

# ---- Trillian + Rekor v1 ----
if [[ "$NO_REKOR_V1" != 1 ]]; then
  deadline=$(( $(date +%s) + WAIT_SECS ))
  until "$MYSQL_CLIENT" --no-defaults -S "$DATA/mysqld.sock" -uroot -e 'select 1' >/dev/null 2>&1; do
    alive mysql || { log "mysqld exited"; false; }
    (( $(date +%s) < deadline )) || { log "mysqld not ready"; false; }
    sleep 0.3
  done
  log "mysql ready (port $P_MYSQL)"
  "$MYSQL_CLIENT" --no-defaults -S "$DATA/mysqld.sock" -uroot <<EOF
CREATE DATABASE trillian;
CREATE USER 'trillian'@'127.0.0.1' IDENTIFIED BY 'trillian';
GRANT ALL ON trillian.* TO 'trillian'@'127.0.0.1';
EOF
  "$MYSQL_CLIENT" --no-defaults -S "$DATA/mysqld.sock" -uroot trillian <"$TRILLIAN_DIR/storage.sql"
  MYSQL_URI="trillian:trillian@tcp($HOST:$P_MYSQL)/trillian"
  start_svc trillian_log_server "$TRILLIAN_DIR/trillian_log_server" \
    --rpc_endpoint "$HOST:$P_TRILLIAN_RPC" --http_endpoint "$HOST:$P_TRILLIAN_HTTP" \
    --storage_system mysql --quota_system noop --mysql_uri "$MYSQL_URI" --logtostderr
  start_svc trillian_log_signer "$TRILLIAN_DIR/trillian_log_signer" --force_master \
    --rpc_endpoint "$HOST:$P_SIGNER_RPC" --http_endpoint "$HOST:$P_SIGNER_HTTP" \
    --storage_system mysql --quota_system noop --mysql_uri "$MYSQL_URI" \
    --sequencer_interval 100ms --batch_size 100 --logtostderr
  wait_http trillian_log_server "http://$HOST:$P_TRILLIAN_HTTP/healthz"
  wait_http trillian_log_signer "http://$HOST:$P_SIGNER_HTTP/healthz"
  TREE_ID=""
  for _ in $(seq 1 30); do
    TREE_ID=$("$TRILLIAN_DIR/createtree" --admin_server "$HOST:$P_TRILLIAN_RPC" \
      2>>"$LOGS/createtree.log" || true)
    [[ -n "$TREE_ID" ]] && break
    sleep 0.5
  done
  [[ -n "$TREE_ID" ]] || { log "createtree failed"; false; }
  log "trillian tree $TREE_ID"
  start_svc rekor1 "$REKOR1_BIN" serve \
    --rekor_server.address $HOST --port "$P_REKOR1" --rekor_server.hostname "$HOST:$P_REKOR1" \
    --trillian_log_server.address $HOST --trillian_log_server.port "$P_TRILLIAN_RPC" \
    --trillian_log_server.tlog_id "$TREE_ID" --rekor_server.signer memory \
    --enable_attestation_storage=false \
    --search_index.storage_provider mysql --search_index.mysql.dsn "$MYSQL_URI" --log_type prod
  wait_http rekor1 "$REKOR_V1_URL/api/v1/log/publicKey"
  curl -sf "$REKOR_V1_URL/api/v1/log/publicKey" -o "$KEYS/rekor_v1_pub.pem"
fi

# ---- environment and trust files ----
{
  echo "# local Sigstore instance, started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "LOCAL_SIGSTORE_STATE='$STATE'"
  echo "OIDC_URL='$OIDC_URL'"
  echo "FULCIO_URL='$FULCIO_URL'"
  echo "REKOR_V1_URL='$REKOR_V1_URL'"
  echo "REKOR_V2_URL='$REKOR_V2_URL'"
  echo "TSA_URL='$TSA_URL'"
  echo "CT_URL='$CT_URL'"
  echo "TRUSTED_ROOT='$STATE/trusted_root.json'"
  echo "SIGNING_CONFIG='$STATE/signing_config.json'"
  echo "TRUST_CONFIG='$STATE/trust_config.json'"
  for f in "$PIDS"/*.pid; do
    n=$(basename "$f" .pid | tr 'a-z' 'A-Z')
    echo "${n}_PID=$(cat "$f")"
  done
  echo "export LOCAL_SIGSTORE_STATE OIDC_URL FULCIO_URL REKOR_V1_URL REKOR_V2_URL TSA_URL CT_URL TRUSTED_ROOT SIGNING_CONFIG TRUST_CONFIG"
} >"$STATE/env"

OIDC_URL="$OIDC_URL" FULCIO_URL="$FULCIO_URL" REKOR_V1_URL="$REKOR_V1_URL" \
  REKOR_V2_URL="$REKOR_V2_URL" TSA_URL="$TSA_URL" CT_URL="$CT_URL" \
  "$DENO" run --allow-read --allow-write --allow-env "$HERE/gen_trust.ts" "$STATE" >&2

log "local Sigstore instance up; source $STATE/env"
