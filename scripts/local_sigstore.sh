#!/usr/bin/env bash
# Local Sigstore instance for tests (all on 127.0.0.1). See scripts/local_sigstore/README.md.
#
#   scripts/local_sigstore.sh install              # go install pinned servers (+ MariaDB via apt)
#   scripts/local_sigstore.sh start STATE_DIR      # start; writes STATE_DIR/{env,trust_config.json,...}
#   scripts/local_sigstore.sh stop STATE_DIR [--clean]
#   scripts/local_sigstore.sh smoke [STATE_DIR]    # sign with sigstore-python, verify with it and our CLI
#   scripts/local_sigstore.sh run CMD [ARGS...]    # install, start in a temp dir, run CMD with the
#                                                  # instance's env exported, stop; exits with CMD's status
set -euo pipefail
D="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/local_sigstore"

cmd="${1:-}"; shift || true
case "$cmd" in
  install) exec "$D/install.sh" "$@" ;;
  start) exec "$D/start.sh" "$@" ;;
  stop) exec "$D/stop.sh" "$@" ;;
  smoke) exec "$D/smoke.sh" "$@" ;;
  run)
    [[ $# -ge 1 ]] || { echo "usage: $0 run CMD [ARGS...]" >&2; exit 2; }
    "$D/install.sh" >&2
    state="$(mktemp -d "${TMPDIR:-/tmp}/local-sigstore.XXXXXX")"
    trap '"$D/stop.sh" "$state" --clean >/dev/null 2>&1' EXIT
    "$D/start.sh" "$state"
    set -a
    # shellcheck disable=SC1091
    . "$state/env"
    set +a
    set +e
    "$@"
    exit $?
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
