#!/usr/bin/env bash
# Creates the application database, and for each service a login role (ar_<service>) that
# owns the service's schema and has no rights on any other. Idempotent.
#   scripts/provision-database.sh SUPERUSER_URL DATABASE
# Role passwords come from AR_<SERVICE>_DB_PASSWORD when set (none: trust/peer setups).
set -euo pipefail
admin_url=${1:?superuser URL, e.g. postgresql://postgres@127.0.0.1:54320/postgres}
database=${2:?database name}
services=(customer invoice payments communications history gateway)

psql_admin() { psql "$admin_url" -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "$(psql_admin -c "SELECT count(*) FROM pg_database WHERE datname = '$database'")" = "0" ]; then
  psql_admin -c "CREATE DATABASE \"$database\""
fi
# The same server, the application database: swap the URL's path, keep its query.
base=${admin_url%%\?*}
query=${admin_url#"$base"}
db_url="${base%/*}/$database$query"

for service in "${services[@]}"; do
  role="ar_$service"
  password_var="AR_${service^^}_DB_PASSWORD"
  # The password goes through the environment, never the command line (ps shows that).
  AR_ROLE_PASSWORD=${!password_var:-} psql "$db_url" -v ON_ERROR_STOP=1 -qtA -v role="$role" -v schema="$service" <<'SQL'
\getenv password AR_ROLE_PASSWORD
\if :{?password}
\else
\set password ''
\endif
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'password') WHERE :'password' <> '' \gexec
SELECT format('CREATE SCHEMA %I AUTHORIZATION %I', :'schema', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = :'schema') \gexec
SELECT format('ALTER ROLE %I SET search_path = %I', :'role', :'schema') \gexec
SQL
done
# Extensions the services use but may not create: pg_trgm (customer search), in a schema
# of its own whose functions and operators every role may use (it holds no data).
psql "$db_url" -v ON_ERROR_STOP=1 -qtA <<'SQL'
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO PUBLIC;
SQL
# Nobody but the owner gets into the public schema or the database's other schemas.
psql "$db_url" -v ON_ERROR_STOP=1 -qtA -c "REVOKE ALL ON SCHEMA public FROM PUBLIC"
