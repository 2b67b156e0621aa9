#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster (fsync on) in a temporary directory.
# The command sees AR_TEST_DATABASE_URL; the cluster is stopped and removed on every exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

dir=$(mktemp -d /tmp/ar-test-pg.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
cleanup() {
  "$here/postgres.sh" stop "$dir/data" || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

port=$("$here/free-port.sh")
"$here/postgres.sh" start "$dir/data" "$port"
export AR_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "test PostgreSQL on 127.0.0.1:$port"
"$@"
