#!/usr/bin/env bash
# Start a throw-away PostgreSQL server from the machine's Debian packages (installing
# them if absent) and print the SQLAlchemy URL for it. Used by .ci/run; developers can
# run it too:  export PLANNER_TEST_PG_URL=$(bash .ci/postgres.sh)   (and `bash .ci/postgres.sh stop`)
set -euo pipefail
PORT=${PLANNER_PG_PORT:-54329}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PGDATA=${PLANNER_PGDATA:-/tmp/planner-pg-$PORT}
if [ "${1:-}" = stop ]; then
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >&2 || true
  exit 0
fi
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 >/dev/null
fi
if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" start >&2
fi
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='planner_test'" \
  | grep -q 1 || "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres planner_test
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/planner_test"
