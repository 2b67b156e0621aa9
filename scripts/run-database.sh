#!/usr/bin/env bash
# `make run`'s database: starts the private PostgreSQL cluster (created on first use) and
# gives each service its role (with a password) and schema. Usage:
#   scripts/run-database.sh DATA_DIR PORT
# Where the cluster lives: DATA_DIR/pg — unless this runs as root in a directory the
# `postgres` user (who must own the cluster) cannot enter, e.g. under /root or in a
# `mktemp -d` folder. Then it is /var/lib/ar-platform/<checkout hash>/pg, and this says so.
# DATA_DIR/pg-location remembers the place for `make stop`.
# Every role logs in with a scram-sha-256 password, generated on first use into
# DATA_DIR/secrets (0700; one 0600 file per role: postgres.password, ar_<service>.password).
# The cluster listens on 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${1:?data directory}
port=${2:?port}
services=(customer invoice payments communications history gateway)

mkdir -p "$data"
data=$(cd "$data" && pwd)
pg_dir="$data/pg"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$data" 2>/dev/null; then
  pg_dir="/var/lib/ar-platform/$(printf '%s' "$data" | sha256sum | cut -c1-16)/pg"
  mkdir -p "$(dirname "$pg_dir")"
  chown postgres:postgres "$(dirname "$pg_dir")"
  echo "PostgreSQL data: $pg_dir (the postgres user cannot enter $data)"
fi
echo "$pg_dir" > "$data/pg-location"

secrets="$data/secrets"
mkdir -p "$secrets"
chmod 700 "$secrets"
password_for() {
  local file="$secrets/$1.password"
  if [ ! -s "$file" ]; then
    (umask 077; python3 -c 'import secrets; print(secrets.token_hex(24))' > "$file")
  fi
  cat "$file"
}

PGPASSWORD=$(password_for postgres)
export PGPASSWORD
"$here/postgres.sh" start "$pg_dir" "$port" "$secrets/postgres.password"
for service in "${services[@]}"; do
  password=$(password_for "ar_$service")
  export "AR_${service^^}_DB_PASSWORD=$password"
done
"$here/provision-database.sh" "postgresql://postgres@127.0.0.1:$port/postgres" ar
