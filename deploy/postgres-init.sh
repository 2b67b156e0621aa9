#!/usr/bin/env bash
# Runs once, when the PostgreSQL container initialises its data directory: creates the
# application database and each service's role and schema (passwords from the environment).
set -euo pipefail
/provision/provision-database.sh "postgresql://${POSTGRES_USER}@/postgres?host=/var/run/postgresql" "${AR_DATABASE:-ar}"
