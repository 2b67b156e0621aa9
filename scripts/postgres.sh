#!/usr/bin/env bash
# A private PostgreSQL cluster for development, tests and benchmarks.
#   scripts/postgres.sh start DIR PORT [PASSWORD_FILE]
#       initialise DIR on first use, start it listening on 127.0.0.1:PORT only (and a Unix
#       socket in DIR). With PASSWORD_FILE (the superuser's password, one line) every login
#       needs a scram-sha-256 password — a cluster made earlier with `trust` is converted;
#       without it (the throwaway test cluster) loopback logins are trusted.
#   scripts/postgres.sh stop DIR         stop it (fast shutdown), if running
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user.
# The superuser is `postgres`.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "postgres.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The server must not keep the caller's descriptors (beyond stdio) open: a caller that
# waits for them to close — a pipe, a process monitor — would wait for the server's life.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

command=${1:?usage: postgres.sh start DIR PORT | stop DIR}
dir=${2:?data directory}
case "$command" in
  start)
    port=${3:?port}
    password_file=${4:-}
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      if [ -n "$password_file" ]; then
        # initdb reads the password as the cluster's owner: hand it a copy it may read.
        pwcopy=$(mktemp "$dir/../.pwfile.XXXXXX")
        trap 'rm -f "$pwcopy"' EXIT
        cat "$password_file" > "$pwcopy"
        [ "$(id -u)" -eq 0 ] && chown postgres "$pwcopy"
        as_owner "$bindir/initdb" -D "$dir" -U postgres --auth=scram-sha-256 --pwfile="$pwcopy" \
          --encoding=UTF8 --locale=C.UTF-8 >/dev/null
        rm -f "$pwcopy"
      else
        as_owner "$bindir/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
      fi
    fi
    as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start -o \
      "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=300 -c fsync=on" >/dev/null
    if [ -n "$password_file" ] && grep -Eq '^[^#]*[[:space:]]trust[[:space:]]*$' "$dir/pg_hba.conf"; then
      # A cluster from before passwords: set the superuser's, then require them everywhere.
      # The password goes through the environment, never the command line (ps shows that).
      AR_SUPERUSER_PASSWORD=$(cat "$password_file") as_owner \
        "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
\getenv password AR_SUPERUSER_PASSWORD
SELECT format('ALTER ROLE postgres PASSWORD %L', :'password') \gexec
SQL
      as_owner sh -c "printf '%s\n' 'local all all scram-sha-256' 'host all all 127.0.0.1/32 scram-sha-256' \
        'host all all ::1/128 scram-sha-256' > '$dir/pg_hba.conf'"
      as_owner "$bindir/pg_ctl" -D "$dir" reload >/dev/null
    fi
    ;;
  stop)
    if [ -f "$dir/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null || true
    fi
    ;;
  *)
    echo "usage: postgres.sh start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
