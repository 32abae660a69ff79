#!/usr/bin/env bash
# Install and start Debian's PostgreSQL, make a database and user for the API tests
# (the Python driver psycopg is a dependency in pyproject.toml), and print the export line for the tests:
#   eval "$(bash .ci/setup-postgres.sh)"
# Everything but the final export lines goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${TUOYU_PG_DB:-tuoyu_test}
USER_=${TUOYU_PG_USER:-tuoyu}
PASS=${TUOYU_PG_PASSWORD:-tuoyu}
PORT=${TUOYU_PG_PORT:-5432}
{
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y postgresql
  fi
  VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$VERSION main$"; then
    pg_createcluster "$VERSION" main
  fi
  if ! pg_lsclusters -h | grep "^$VERSION *main" | grep -q online; then
    pg_ctlcluster "$VERSION" main start || service postgresql start
  fi
  for _ in $(seq 1 30); do
    su postgres -c "pg_isready -q -p $PORT" && break
    sleep 1
  done
  su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$USER_'\"" | grep -q 1 \
    || su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -qc \"CREATE ROLE $USER_ LOGIN PASSWORD '$PASS'\""
  su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -qtAc \"SELECT 1 FROM pg_database WHERE datname='$DB'\"" | grep -q 1 \
    || su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -qc \"CREATE DATABASE $DB OWNER $USER_\""
} >&2
echo "export TUOYU_TEST_POSTGRES_URL=postgresql+psycopg://$USER_:$PASS@127.0.0.1:$PORT/$DB"
