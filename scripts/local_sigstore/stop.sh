#!/usr/bin/env bash
# Stop a local Sigstore instance started by start.sh: every process group whose
# leader's pid is in STATE_DIR/pids, TERM first then KILL. The database goes
# last, after its clients. Leaves STATE_DIR in place (logs); pass --clean to
# remove it as well.
#
#   scripts/local_sigstore/stop.sh STATE_DIR [--clean]
set -uo pipefail

if [[ $# -lt 1 ]]; then echo "usage: $0 STATE_DIR [--clean]" >&2; exit 2; fi
STATE="$1"
PIDS="$STATE/pids"
if [[ ! -d "$PIDS" ]]; then
  echo "[local-sigstore] nothing to stop in $STATE" >&2
  [[ "${2:-}" == --clean ]] && rm -rf "$STATE"
  exit 0
fi

# Each service was started with setsid: its pid is also its process group id.
group_alive() { kill -0 -- "-$1" 2>/dev/null || kill -0 "$1" 2>/dev/null; }

# stop_group PIDFILE... : TERM all, wait up to 5 s, KILL what is left.
stop_group() {
  local f pid pids=() files=()
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    pid=$(cat "$f")
    [[ "$pid" =~ ^[0-9]+$ ]] || { rm -f "$f"; continue; }
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid"); files+=("$f")
  done
  (( ${#pids[@]} )) || return 0
  for _ in $(seq 1 50); do
    local any=0
    for pid in "${pids[@]}"; do group_alive "$pid" && any=1; done
    (( any )) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if group_alive "$pid"; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "${files[@]}"
}

clients=()
for f in "$PIDS"/*.pid; do
  [[ -f "$f" && "$(basename "$f")" != mysql.pid ]] && clients+=("$f")
done
stop_group "${clients[@]}"
stop_group "$PIDS/mysql.pid"
echo "[local-sigstore] stopped instance in $STATE" >&2
if [[ "${2:-}" == --clean ]]; then rm -rf "$STATE"; fi
exit 0
