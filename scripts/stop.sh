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
pg_dir=$(cat "$root/.data/pg-location" 2>/dev/null || echo "$root/.data/pg")
if [ -d "$pg_dir" ]; then "$root/scripts/postgres.sh" stop "$pg_dir"; fi
[ "$quiet" = "--quiet" ] || echo "stopped"
