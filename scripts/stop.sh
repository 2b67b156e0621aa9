#!/usr/bin/env bash
# `make stop`: stops what `make run` started — the six processes (SIGTERM, then SIGKILL
# after 10 s) and the private PostgreSQL cluster. Data in .data/ is kept.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quiet=${1:-}
pids="$root/.data/pids"
for pidfile in "$pids"/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile" 2>/dev/null) || continue
  kill -TERM "$pid" 2>/dev/null || true
done
for pidfile in "$pids"/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile" 2>/dev/null) || continue
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
done
if [ -d "$root/.data/pg" ]; then "$root/scripts/postgres.sh" stop "$root/.data/pg"; fi
[ "$quiet" = "--quiet" ] || echo "stopped"
