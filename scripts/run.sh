#!/usr/bin/env bash
# `make run`: the whole system on the embedded default, in one command.
# Builds (debug by default; AR_BUILD=release for an optimised build), starts a private
# PostgreSQL cluster in .data/pg (created on first use, reused after), gives each service
# its role and schema, starts the five services and the gateway with logs in .data/logs,
# waits until /health is green, creates the first owner (printing a demo login once when
# AR_OWNER_EMAIL/AR_OWNER_PASSWORD are not set) and prints the URL. Ctrl-C (or
# `make stop`) stops it all.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

configuration=${AR_BUILD:-debug}
pg_port=${AR_PG_PORT:-54320}
gateway_port=${AR_GATEWAY_PORT:-8080}
data="$root/.data"
logs="$data/logs"
pids="$data/pids"
services=(customer invoice payments communications history)

scripts/install-deps.sh
echo "building ($configuration)…"
swift build -c "$configuration" 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | grep -v "^\[" || true
bin=$(swift build -c "$configuration" --show-bin-path)

mkdir -p "$logs" "$pids"
"$root/scripts/stop.sh" --quiet || true

scripts/run-database.sh "$data" "$pg_port"

stop_all() {
  trap - INT TERM EXIT
  echo
  "$root/scripts/stop.sh"
}
trap stop_all INT TERM EXIT

# The mesh's CURVE keys: one pair per executable, created on first use (secret keys 0600).
export AR_KEYS_DIR="$data/keys"
"$bin/gateway" generate-keys "$AR_KEYS_DIR" >/dev/null

export AR_GATEWAY_PORT="$gateway_port"
for service in "${services[@]}" gateway; do
  upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
  password=$(cat "$data/secrets/ar_$service.password")
  export "AR_${upper}_DATABASE_URL=postgresql://ar_$service:$password@127.0.0.1:$pg_port/ar"
done
for service in "${services[@]}"; do
  "$bin/$service-service" >> "$logs/$service.log" 2>&1 &
  echo $! > "$pids/$service.pid"
done
"$bin/gateway" >> "$logs/gateway.log" 2>&1 &
echo $! > "$pids/gateway.pid"

url="http://127.0.0.1:$gateway_port"
for _ in $(seq 1 300); do
  if curl -fsS "$url/health" >/dev/null 2>&1; then break; fi
  for pidfile in "$pids"/*.pid; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$(basename "$pidfile" .pid) exited; its log:" >&2
      tail -n 20 "$logs/$(basename "$pidfile" .pid).log" >&2
      exit 1
    fi
  done
  sleep 0.2
done
curl -fsS "$url/health" >/dev/null || { echo "the system did not become healthy; see $logs" >&2; exit 1; }

# The first owner: from AR_OWNER_EMAIL / AR_OWNER_PASSWORD, or a demo owner whose
# generated password is shown here, once (it is stored only as a bcrypt hash).
login_line=""
if [ -n "${AR_OWNER_EMAIL:-}" ] && [ -n "${AR_OWNER_PASSWORD:-}" ]; then
  "$bin/gateway" bootstrap-owner >/dev/null
else
  export AR_OWNER_EMAIL=owner@example.com AR_OWNER_NAME="Demo Owner"
  AR_OWNER_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(15))')
  export AR_OWNER_PASSWORD
  if "$bin/gateway" bootstrap-owner | grep -q "created owner"; then
    login_line="  demo login (shown once): $AR_OWNER_EMAIL / $AR_OWNER_PASSWORD"
  fi
  unset AR_OWNER_PASSWORD
fi

echo
echo "  AR platform is running at $url"
[ -n "$login_line" ] && echo "$login_line"
echo "  logs: $logs   ·   stop: Ctrl-C or make stop"
echo
wait
